--- Neovim: every function of a client, without ever blocking the editor.
--
--   local s = require("sakari.nvim").new { access_token = "...", base_url = "..." }
--   s.contacts.update(acc, id, { firstName = "Bob" }, function(contact, err)
--     if err then vim.notify(tostring(err), vim.log.levels.WARN) return end
--     vim.notify("updated " .. contact.id)
--   end)
--
-- A call returns its id at once; the request runs on the client's queue
-- (libcurl multi), which a libuv timer polls with a zero timeout only while
-- calls are pending; the callback gets what the blocking call returns, err
-- second, on the main loop (vim.schedule). The whole contract, `each`'s page
-- callbacks included: docs/neovim.md (`:help sakari.nvim`).
-- @module sakari.nvim

-- luacheck: globals vim
local clients = require "sakari.client"
local errors = require "sakari.errors"
local resources = require "sakari.resources"
local settings = require "sakari.settings"
-- An error raised on behalf of the caller: without the position inside the
-- library (the caller's own line is added by error(message, level)).
local strip = require("sakari.util").strip_position

local M = {}

-- The open clients made here, for :checkhealth sakari (health.lua): the names
-- of the credential keys each one's config gave, never their values.
M.clients = setmetatable({}, { __mode = "k" })
local clients_made = 0

M.DEFAULT_INTERVAL = 10 -- milliseconds between two polls while calls are pending

local function pack(...) return { n = select("#", ...), ... } end
local unpack = table.unpack or unpack

-- Splits off a trailing callback: the client's functions never take a function.
local function split(...)
  local args, n = pack(...), select("#", ...)
  if n > 0 and type(args[n]) == "function" then return args, n - 1, args[n] end
  return args, n, nil
end

-- The list function that requests the pages an `each` row walks.
local function list_of(fname, rows, functions, each_row)
  for name, row in pairs(rows) do
    if row.answer == "page" and row.kind == nil and row[1] == each_row[1] and row[2] == each_row[2] then
      return functions[name]
    end
  end
  error(("sakari.nvim: %s has no list function of the same request"):format(fname))
end

-- The queued task of an `each` call: checks the arguments with `each` itself
-- (which sends nothing until iterated), then walks the pages of
-- list(args..., options), handing each page's items and pagination to on_page
-- until it returns false. Ends with `result`, or nil and the err of the page
-- that failed. The arguments are those of `each`: the list function's, whose
-- trailing table holds the options.
local function walk_task(each, list, args, n, on_page, result)
  return function()
    each(unpack(args, 1, n))
    while n > 0 and args[n] == nil do n = n - 1 end
    local opts
    if n > 0 and type(args[n]) == "table" then opts, n = args[n], n - 1 end
    local next_page = require("sakari.pager").pages(function(query)
      args[n + 1] = query -- in the options' place
      return list(unpack(args, 1, n + 1))
    end, opts)
    while true do
      local items, pagination = next_page()
      if not items and pagination ~= nil then return nil, pagination end
      if not items or on_page(items, pagination) == false then return result end
    end
  end
end

-- Runs a callback (on the main loop), reporting its error instead of raising
-- it; returns its first result, nil when it raised.
local function run(callback, fname, results)
  local ok, why = xpcall(function() return callback(unpack(results, 1, results.n)) end, debug.traceback)
  if ok then return why end
  vim.notify(("sakari.nvim: the callback of %s raised an error: %s"):format(fname, tostring(why)),
    vim.log.levels.ERROR)
end

-- The callback on the main loop, its errors reported instead of raised.
local function deliver(callback, fname, ...)
  local results = pack(...)
  vim.schedule(function()
    if callback then return run(callback, fname, results) end
    if results[2] ~= nil then
      vim.notify(("sakari.nvim: %s failed: %s"):format(fname, tostring(results[2])), vim.log.levels.WARN)
    end
  end)
end

-- sakari.nvim.new's own options -> concurrency (nil: the client's setting),
-- interval; raises at the line that called new.
local function check_options(config, opts)
  opts = opts == nil and {} or opts
  if type(opts) ~= "table" then error("sakari.nvim.new: options: expected a table", 3) end
  for key in pairs(opts) do
    if key ~= "concurrency" and key ~= "interval" then
      error(("sakari.nvim.new: unknown option '%s' (accepted: concurrency, interval)"):format(tostring(key)), 3)
    end
  end
  local detail = opts.concurrency ~= nil and settings.check("concurrency", opts.concurrency)
  if detail then error("sakari.nvim.new: concurrency: " .. detail, 3) end
  local interval = opts.interval or M.DEFAULT_INTERVAL
  if type(interval) ~= "number" or interval < 1 or interval ~= math.floor(interval) then
    error("sakari.nvim.new: interval: expected a whole number of milliseconds >= 1", 3)
  end
  if type(config) == "table" and config.transport ~= nil then
    -- calls through a transport run inside push and poll, and would block the editor
    error("sakari.nvim.new: config.transport: not here; calls go through libcurl's multi handle", 3)
  end
  return opts.concurrency, interval
end

--- A client whose every function takes a trailing callback and never blocks.
-- @tparam[opt] table config as `sakari.new(config)`
-- @tparam[opt] table opts
-- @tparam[opt] integer opts.concurrency calls in flight at once (default: the `concurrency` setting)
-- @tparam[opt=10] integer opts.interval milliseconds between polls while calls are pending
-- @treturn table the namespaces of `sakari.api` (each function with a trailing callback),
--   and `pending`, `polling`, `close`
-- @usage local s = require("sakari.nvim").new()
-- s.contacts.get(acc, id, function(contact, err) print(contact and contact.firstName or tostring(err)) end)
function M.new(config, opts)
  local concurrency, interval = check_options(config, opts)

  local made, client = pcall(clients.new, config, "sakari.nvim.new")
  if not made then error(strip(client), 2) end

  local q = client.queue { concurrency = concurrency }
  -- runs only while calls are pending; Neovim 0.10 renamed vim.loop to vim.uv
  local timer = (vim.uv or vim.loop).new_timer()
  local outstanding = {} -- seq -> finish(value, err), for close and for a failed poll
  local next_seq = 0
  local closed = false
  local s = {}

  -- Every call not finished yet gets err instead of a result, in the order they were made.
  local function fail_outstanding(err)
    for seq = 1, next_seq do
      if outstanding[seq] then outstanding[seq](nil, err) end
    end
  end

  -- One step of every call; a zero timeout, so it never waits for the network.
  -- (close closes the timer: a closed libuv handle never calls back)
  local function tick()
    local ok, why = pcall(q.poll, 0)
    if not ok then
      -- the queue itself broke (not one call: those come back as err): start
      -- afresh, and tell every call that was in it
      local message = "sakari.nvim: polling failed: " .. tostring(why)
      vim.schedule(function() vim.notify(message, vim.log.levels.ERROR) end)
      pcall(q.close)
      q = client.queue { concurrency = concurrency }
      fail_outstanding(errors.new { code = "error", message = message })
    end
    if q.pending() == 0 and timer:is_active() then timer:stop() end
  end

  -- Pushes task (a function making client calls), polled by the timer, and returns its id.
  local function start(fname, task, callback)
    if closed then error(fname .. ": this sakari.nvim client is closed", 3) end
    next_seq = next_seq + 1
    local seq = next_seq
    -- value, err, then what a call returns after its first value (a list's pagination)
    local function finish(value, err, ...)
      if not outstanding[seq] then return end -- finished already (the client was closed)
      outstanding[seq] = nil
      deliver(callback, fname, value, err, ...)
    end
    outstanding[seq] = finish
    local ok, id = pcall(q.push, task, finish)
    if not ok then
      outstanding[seq] = nil
      error(strip(id), 3) -- a wrong argument: at the caller's line, before anything is sent
    end
    if q.pending() > 0 and not timer:is_active() then -- else the call finished inside push
      timer:start(0, interval, tick)
    end
    return id
  end

  -- The page handler of an `each` with a page callback: on_page(items, page)
  -- gets each page on the main loop as it arrives (page = { number, offset,
  -- pagination }), and the final callback the totals of what on_page got:
  -- { pages, items, stopped } (stopped: on_page returned false, and no page followed).
  local function to_page_callback(fname, on_page, totals)
    return function(items, pagination)
      if totals.stopped then return false end
      vim.schedule(function()
        if totals.stopped or closed then return end
        local page = { number = totals.pages + 1, offset = totals.items, pagination = pagination }
        totals.pages, totals.items = page.number, totals.items + #items
        if run(on_page, fname, pack(items, page)) == false then totals.stopped = true end
      end)
    end
  end

  local function wrap(fname, kind, f, list)
    if kind == "each" then
      return function(...)
        local args, n, on_done = split(...)
        local on_page
        if n > 0 and type(args[n]) == "function" then on_page, n = args[n], n - 1 end
        local result = on_page and { pages = 0, items = 0, stopped = false } or {}
        -- without a page callback, the final one gets every item as one array
        local take = on_page and to_page_callback(fname, on_page, result) or function(items)
          for _, item in ipairs(items) do result[#result + 1] = item end
        end
        local id = start(fname, walk_task(f, list, args, n, take, result), on_done)
        return id -- not a tail call: start's error level counts this frame
      end
    end
    return function(...)
      local args, n, callback = split(...)
      -- no request: without a callback it returns its result at once
      if kind == "local" and not callback then return f(unpack(args, 1, n)) end
      local id = start(fname, function() return f(unpack(args, 1, n)) end, callback)
      return id -- not a tail call: start's error level counts this frame
    end
  end

  -- generated from the client's namespaces: every function it has, nothing listed here
  for namespace, functions in pairs(client) do
    if type(functions) == "table" then
      local rows = resources.endpoints[namespace] or {}
      local wrapped = {}
      for name, f in pairs(functions) do
        local row, fname = rows[name] or {}, namespace .. "." .. name
        local list = row.kind == "each" and list_of(fname, rows, functions, row) or nil
        wrapped[name] = wrap(fname, row.kind, f, list)
      end
      s[namespace] = wrapped
    end
  end

  -- Calls not finished yet.
  function s.pending() return closed and 0 or q.pending() end

  -- Whether the polling timer runs (only while calls are pending).
  function s.polling() return timer:is_active() end

  -- Stops the timer, frees the connections; calls still pending get
  -- err.code "closed". Safe to call twice.
  function s.close()
    if closed then return end
    closed = true
    M.clients[s] = nil
    timer:close() -- closing stops it
    fail_outstanding(errors.new { code = "closed", message = "the sakari.nvim client was closed" })
    pcall(q.close)
    client.close()
  end

  local given = {}
  for _, row in ipairs(settings.rows) do
    if row.secret and type(config) == "table" and config[row.name] ~= nil then given[#given + 1] = row.name end
  end
  clients_made = clients_made + 1
  M.clients[s] = { number = clients_made, credentials = given }
  return s
end

return M
