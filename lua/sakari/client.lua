-- A client: its settings (settings.lua), credentials and I/O. Every call goes
-- through flow.run (token, send, answer, retries), blocking on the client's
-- session, or yielding to a queue when it runs inside one of the client's
-- queues (batch, queue).
--
-- Two small objects: a Client holds one configuration's I/O (session, auth,
-- hooks), which configure replaces whole (the default client makes its own
-- from the environment on its first call); the table a user holds has the
-- client's namespaces and batch, queue and close.
local core = require "sakari.core"
local auth = require "sakari.auth"
local endpoint = require "sakari.endpoint"
local errors = require "sakari.errors"
local flow = require "sakari.flow"
-- loaded by the first queue or batch: until then no call can be running in one,
-- and a script of plain calls never loads it
local queue
local settings = require "sakari.settings"
local transports = require "sakari.transport"
local usage = require "sakari.usage"
local util = require "sakari.util"

local M = {}
local unpack = table.unpack or unpack

-- A call's results as value, err, rest: a failure is nil, err; a success its
-- first value, and the values after it (a list's pagination) in the array rest.
local function settle(...)
  local first, second = ...
  if first == nil and second ~= nil then return nil, second end
  local n = select("#", ...)
  if n <= 1 then return first end
  return first, nil, { n = n - 1, select(2, ...) }
end

-- Shortest part of a secret worth hiding where an excerpt was cut inside it.
local MIN_SECRET_PART = 6

-- Replaces every occurrence of secret in text, found as plain bytes (a secret
-- is no pattern), and the start of one where an excerpt of a server's answer
-- was cut off inside it (text ending, or "...").
local function redact(text, secret)
  if secret == nil or secret == "" then return text end
  local out, pos = {}, 1
  while true do
    local i, j = text:find(secret, pos, true)
    if not i then break end
    out[#out + 1] = text:sub(pos, i - 1) .. "[redacted]"
    pos = j + 1
  end
  text = table.concat(out) .. text:sub(pos)
  for k = #secret - 1, MIN_SECRET_PART, -1 do
    local head = secret:sub(1, k)
    local i = text:find(head, 1, true)
    while i do
      local after = i + k
      if after > #text or text:sub(after, after + 2) == "..." then
        return text:sub(1, i - 1) .. "[redacted]" .. text:sub(after)
      end
      i = text:find(head, i + 1, true)
    end
  end
  return text
end

-- Secrets that must never survive into an error message, even if a server echoes them.
local function redactor(credentials)
  local secrets = credentials
    and { credentials.client_secret, credentials.client_id, credentials.token } or {}
  return function(err, token)
    if errors.is_error(err) and type(err.message) == "string" then
      local message = redact(err.message, token)
      for i = 1, 3 do message = redact(message, secrets[i]) end
      err.message = message
    end
    return err
  end
end

-- The debug setting: one line per attempt, after the on_response hook.
-- Only what the event holds, so never a header, a body or a secret.
local function debug_hook(sink, on_response)
  if not sink then return on_response end
  local write = type(sink) == "function" and sink or function(line) io.stderr:write(line, "\n") end
  return function(event)
    if on_response then on_response(event) end
    write(("sakari: %s %s %s attempt %d %.1f ms %s bytes"):format(event.method, event.path,
      tostring(event.status or event.code), event.attempt, event.elapsed * 1000, tostring(event.bytes or "-")))
  end
end

local Client = {}
Client.__index = Client

-- Resolves config and makes it the client's, closing the previous one's
-- connections. Raises at `level` (as error() counts) on a bad config: every
-- caller sits at the same depth below the user's call, so the user's line is blamed.
function Client:configure(cfg, fname, level)
  local resolved, credentials = settings.resolve(cfg)
  if not resolved then
    local problem = credentials
    local fields = { setting = problem.setting, env = problem.env }
    if problem.argument then usage.argument(level, 1, fname, problem.detail, fields) end
    usage.raise(level, fname .. ": " .. problem.detail, fields)
  end
  self:close()
  self.resolved, self.custom = resolved, resolved.transport
  local ua = ("lua-sakari/%s (%s; %s)"):format(core.VERSION, jit and jit.version or _VERSION,
    core.curl_version)
  local suffix = resolved.user_agent_suffix
  local ctx = {
    base_url = resolved.base_url,
    timeout = resolved.timeout,
    connect_timeout = resolved.connect_timeout,
    headers = { ["User-Agent"] = suffix and ua .. " " .. suffix or ua },
    settings = resolved, -- flow.lua and retry.lua read the per-call ones from here
    on_request = resolved.on_request,
    on_response = debug_hook(resolved.debug, resolved.on_response),
    redact = redactor(credentials),
    want_headers = resolved.debug and true or nil,
  }
  self.ctx = ctx
  if credentials and credentials.token then
    ctx.auth = auth.static(credentials.token)
  elseif credentials then
    -- the token request itself: no bearer token, and harmless to repeat
    local token_ctx = setmetatable({ auth = false }, { __index = ctx })
    ctx.auth = auth.oauth(credentials.client_id, credentials.client_secret, function(io, path, body)
      return flow.run(token_ctx, {
        method = "POST", path = path, raw_body = core.encode(body), content_type = "application/json",
        idempotent = true, secret_response = true,
      }, io)
    end)
  end
  self.blocking = self.custom and transports.io(self.custom) or {
    send = function(request)
      self.session = self.session or core.session(resolved) -- ca_file, proxy, insecure
      return self.session:request(request)
    end,
    sleep = core.sleep,
  }
  return self
end

-- Closes the connections; a later call opens new ones.
function Client:close()
  if self.session then
    self.session:close()
    self.session = nil
  end
  if self.custom and self.custom.close then self.custom.close() end
end

-- request: as endpoint.lua builds it: { fname, method, path, query?, raw_body +
-- content_type | multipart, raw_response?, accept?, retry?, settings? }
function Client:call(request)
  if not self.ctx then self:configure(nil, "sakari", 4) end
  if not self.ctx.auth then usage.raise(3, settings.NO_CREDENTIALS) end
  local q = queue and queue.current()
  return flow.run(self.ctx, request, q and q.owner == self and q.io or self.blocking)
end

-- A queue of calls: libcurl's multi handle, or the custom transport's multi;
-- over a transport without one, calls run one at a time, inside push and poll.
function Client:queue(concurrency)
  if not self.ctx then self:configure(nil, "sakari", 4) end
  queue = queue or require "sakari.queue"
  local custom = self.custom
  local multi = custom and custom.multi and custom.multi(self.blocking.send)
  local q = queue.new(multi or custom and queue.serial() or core.multi(self.resolved),
    concurrency or self.resolved.concurrency)
  q.owner = self
  if custom and not multi then q.io = self.blocking end
  return q
end

-- A setting of the configuration in use.
function Client:setting(name)
  if not self.ctx then self:configure(nil, "sakari", 5) end
  return self.resolved[name]
end

-- A batch or queue call: { "namespace.function", args... } or a function ->
-- the function running it; or nil, why, and true when the name is wrong.
function Client:call_function(call)
  if type(call) == "function" then return function() return settle(call()) end end
  if type(call) ~= "table" or type(call[1]) ~= "string" then
    return nil, ("a call is { \"namespace.function\", arguments... } or a function, got %s"):format(util.describe(call))
  end
  local namespace, name = call[1]:match("^([%w_]+)%.([%w_]+)$")
  if not namespace then return nil, ("sakari: %q is not a \"namespace.function\" name"):format(call[1]), true end
  local functions = rawget(self.public, namespace)
  local f = type(functions) == "table" and rawget(functions, name)
  if type(f) ~= "function" then return nil, endpoint.no_function(namespace, name), true end
  local n = call.n or #call
  return function() return settle(f(unpack(call, 2, n))) end
end

local function concurrency_of(opts, argn, fname)
  local concurrency = opts.concurrency
  if concurrency == nil then return nil end
  local detail = settings.check("concurrency", concurrency)
  if detail then usage.argument(3, argn, fname, "concurrency: " .. detail) end
  return concurrency
end

-- The table a user holds: the namespaces, and batch, queue, close and account
-- (documented in init.lua, for the reference).
local function expose(self)
  local public = endpoint.bind(self)
  self.public = public

  function public.queue(opts)
    opts = opts or {}
    if type(opts) ~= "table" then usage.argument(2, 1, "queue", "options: expected a table") end
    local q = self:queue(concurrency_of(opts, 1, "queue"))
    return {
      push = function(c, callback)
        local f, why = self:call_function(c)
        if not f then usage.raise(2, why) end
        if callback ~= nil and type(callback) ~= "function" then
          usage.argument(2, 2, "queue.push", "callback: expected a function")
        end
        return q:push(f, callback and function(_, value, err, rest)
          if rest then callback(value, err, unpack(rest, 1, rest.n)) else callback(value, err) end
        end)
      end,
      poll = function(timeout) return q:poll(timeout) end,
      pending = function() return q:pending() end,
      close = function() q:close() end,
    }
  end

  function public.batch(calls, opts)
    opts = opts or {}
    if type(calls) ~= "table" and type(calls) ~= "function" then
      usage.argument(2, 1, "batch", "calls: expected an array or an iterator function")
    end
    if type(opts) ~= "table" then usage.argument(2, 2, "batch", "options: expected a table") end
    local on_result = opts.on_result
    if on_result ~= nil and type(on_result) ~= "function" then
      usage.argument(2, 2, "batch", "on_result: expected a function")
    end
    local next_call = calls
    if type(calls) == "table" then
      -- a wrong name is the script's mistake, not one row's: raised once, at
      -- the caller's line, and before anything is sent
      for _, call in ipairs(calls) do
        local _, why, wrong_name = self:call_function(call)
        if wrong_name then usage.raise(2, why) end
      end
      local i = 0
      next_call = function()
        i = i + 1
        return calls[i]
      end
    end
    local q = self:queue(concurrency_of(opts, 2, "batch"))
    local results = not on_result and {} or nil
    local counts = { done = 0, failed = 0 }
    local function make(call)
      local f, why, wrong_name = self:call_function(call)
      if wrong_name then usage.raise(1, why, { name = true }) end
      return f, why
    end
    local ok, failure = pcall(q.batch, q, next_call, make, function(i, value, err, rest)
      counts.done = counts.done + 1
      if err then counts.failed = counts.failed + 1 end
      if on_result then
        on_result(i, value, err, rest)
      else
        results[i] = { value = value, err = err, rest = rest }
      end
    end)
    if not ok then
      if usage.is(failure) and failure.name then usage.raise(2, failure.message) end
      error(failure, 0)
    end
    return results or counts
  end

  function public.close() self:close() end

  function public.account(id)
    if not util.non_empty_string(id) then
      usage.argument(2, 1, "account", "account id: expected a non-empty string, got " .. util.describe(id))
    end
    return endpoint.bind(self, id)
  end

  return public
end

-- A client: the table a user holds, and the Client itself (sakari.configure
-- calls its configure). With `fname`, the public function named in errors, it
-- is configured at once and raises at the line that called that function;
-- without (the default client), from the environment on its first call.
function M.new(cfg, fname)
  local self = setmetatable({}, Client)
  if fname then self:configure(cfg, fname, 4) end
  return expose(self), self
end

return M
