-- A client: its configuration, its credentials and its I/O. Every call goes
-- through flow.run (token, send, answer, retries), blocking on the client's
-- session, or yielding to a queue when it runs inside one (batch, queue).
local core = require "sakari.core"
local auth = require "sakari.auth"
local errors = require "sakari.errors"
local flow = require "sakari.flow"
local queue = require "sakari.queue"
local resources = require "sakari.resources"
local retry = require "sakari.retry"
local transports = require "sakari.transport"
local util = require "sakari.util"

local M = {}
local unpack = table.unpack or unpack

M.DEFAULT_BASE_URL = "https://api.sakari.io"

local function non_empty_string(v) return type(v) == "string" and v ~= "" end
-- sent in a header: CR, LF or NUL would let a value smuggle in headers of its own
local function header_safe(v) return non_empty_string(v) and not v:find("[\r\n%z]") end
local function positive_number(v) return type(v) == "number" and v > 0 and v == v and v ~= math.huge end
local function boolean(v) return type(v) == "boolean" end
local function callable(v) return type(v) == "function" end
local function count(v) return type(v) == "number" and v >= 0 and v == math.floor(v) and v < 100 end
local function seconds(v) return type(v) == "number" and v >= 0 and v == v and v ~= math.huge end

-- For the README: every key of sakari.new(config) / sakari.configure(config).
-- A key absent from `config` falls back to its environment variable (if any),
-- then to its default; an empty environment variable counts as unset.
--   base_url           SAKARI_API_URL        default https://api.sakari.io
--   access_token       SAKARI_ACCESS_TOKEN   a static bearer token
--   client_id          SAKARI_CLIENT_ID      OAuth2 client credentials: a token is
--   client_secret      SAKARI_CLIENT_SECRET  fetched, cached until shortly before it expires
--   timeout            -                     seconds for a whole request, default 30
--   connect_timeout    -                     seconds to connect, default 10
--   ca_file            -                     PEM bundle to verify the server with
--   proxy              -                     e.g. "http://proxy:3128"
--   insecure           -                     true turns TLS verification off, default false
--   user_agent_suffix  -                     appended to the User-Agent header
--   max_retries        -                     repeats of a failed call (retry.lua), default 2
--   retry_backoff      -                     first backoff step in seconds, default 0.5
--   max_retry_delay    -                     cap on one wait (backoff or Retry-After), default 30
--   on_request         -                     function(event) before each attempt
--   on_response        -                     function(event) after each attempt
--   transport          -                     I/O of the host's own (transport.lua); default libcurl
-- Credentials: an access_token given in `config` wins; else client_id/client_secret
-- given in `config` (each may come from its environment variable); else, from the
-- environment, SAKARI_ACCESS_TOKEN, then SAKARI_CLIENT_ID + SAKARI_CLIENT_SECRET.
-- Construction never does I/O; a call without any credentials raises an error.
local KEYS = {
  base_url          = { check = non_empty_string, expected = "a non-empty string", env = "SAKARI_API_URL" },
  access_token      = { check = header_safe, expected = "a non-empty string without CR, LF or NUL",
                        env = "SAKARI_ACCESS_TOKEN" },
  client_id         = { check = non_empty_string, expected = "a non-empty string", env = "SAKARI_CLIENT_ID" },
  client_secret     = { check = non_empty_string, expected = "a non-empty string", env = "SAKARI_CLIENT_SECRET" },
  timeout           = { check = positive_number, expected = "a positive number of seconds" },
  connect_timeout   = { check = positive_number, expected = "a positive number of seconds" },
  ca_file           = { check = non_empty_string, expected = "a non-empty string" },
  proxy             = { check = non_empty_string, expected = "a non-empty string" },
  insecure          = { check = boolean, expected = "a boolean" },
  transport         = { check = transports.check, expected = "a table with a request function (transport.lua)" },
  user_agent_suffix = { check = header_safe, expected = "a non-empty string without CR, LF or NUL" },
  max_retries       = { check = count, expected = "a whole number from 0 to 99" },
  retry_backoff     = { check = seconds, expected = "a number of seconds" },
  max_retry_delay   = { check = seconds, expected = "a number of seconds" },
  on_request        = { check = callable, expected = "a function" },
  on_response       = { check = callable, expected = "a function" },
}

local SECRET = { access_token = true, client_id = true, client_secret = true }

local DEFAULTS = {
  base_url = M.DEFAULT_BASE_URL, timeout = 30, connect_timeout = 10, insecure = false,
  max_retries = retry.DEFAULTS.max_retries, retry_backoff = retry.DEFAULTS.retry_backoff,
  max_retry_delay = retry.DEFAULTS.max_retry_delay,
}

local NO_CREDENTIALS = "sakari: no credentials: give access_token, or client_id and client_secret, "
  .. "in the config, or set SAKARI_ACCESS_TOKEN, or SAKARI_CLIENT_ID and SAKARI_CLIENT_SECRET"

-- Kept out of the environment in specs that need a blank slate.
M.getenv = os.getenv

local function env(name)
  local v = name and M.getenv(name)
  if v == "" then return nil end
  return v
end

local function read_config(config, fname)
  if config == nil then config = {} end
  if type(config) ~= "table" then
    util.argerror(3, 1, fname, "config: expected a table, got " .. util.describe(config))
  end
  for key, value in pairs(config) do
    local spec = KEYS[key]
    if not spec then
      util.argerror(3, 1, fname, ("unknown config key '%s' (accepted: %s)")
        :format(tostring(key), table.concat(util.sorted_keys(KEYS), ", ")))
    end
    if not spec.check(value) then
      -- a credential is never echoed, not even a malformed one
      local got = SECRET[key] and ("a " .. type(value)) or util.describe(value)
      util.argerror(3, 1, fname, ("config.%s: expected %s, got %s"):format(key, spec.expected, got))
    end
  end
  local resolved = {}
  for key, spec in pairs(KEYS) do
    local value = config[key]
    if value == nil then
      value = env(spec.env)
      if value ~= nil and not spec.check(value) then
        util.raise(("%s: environment variable %s: expected %s"):format(fname, spec.env, spec.expected), 3)
      end
    end
    if value == nil then value = DEFAULTS[key] end
    resolved[key] = value
  end
  resolved.base_url = resolved.base_url:gsub("/+$", "")
  return resolved
end

-- Which credentials to use, as a description the client turns into a provider.
local function choose_credentials(config, resolved, fname)
  if config.access_token then return { token = config.access_token } end
  local id, secret = resolved.client_id, resolved.client_secret
  if config.client_id or config.client_secret then
    if not (id and secret) then
      local missing = id and "client_secret" or "client_id"
      util.argerror(3, 1, fname, ("config.%s: needed with %s (or set %s)")
        :format(missing, id and "client_id" or "client_secret", KEYS[missing].env))
    end
    return { client_id = id, client_secret = secret }
  end
  if resolved.access_token then return { token = resolved.access_token } end
  if id and secret then return { client_id = id, client_secret = secret } end
  if id or secret then
    error(("%s: %s is set but %s is not"):format(fname,
      id and "SAKARI_CLIENT_ID" or "SAKARI_CLIENT_SECRET",
      id and "SAKARI_CLIENT_SECRET" or "SAKARI_CLIENT_ID"), 3)
  end
  return nil
end

function M.user_agent(suffix)
  local runtime = (jit and jit.version) or _VERSION
  local ua = ("lua-sakari/%s (%s; %s)"):format(core.VERSION, runtime, core.curl_version)
  if suffix then ua = ua .. " " .. suffix end
  return ua
end


-- A call's results as value, err, rest: a failure is nil, err; a success its
-- first value, and the values after it (a list's pagination) in the array rest.
function M.settle(...)
  local first, second = ...
  if first == nil and second ~= nil then return nil, second end
  local n = select("#", ...)
  if n <= 1 then return first end
  return first, nil, { n = n - 1, select(2, ...) }
end

-- A batch or queue call: { "namespace.function", args... } or a function.
local function call_function(client, call, fname)
  if type(call) == "function" then return function() return M.settle(call()) end end
  if type(call) ~= "table" or type(call[1]) ~= "string" then
    error(("%s: a call is { \"namespace.function\", arguments... } or a function, got %s")
      :format(fname, util.describe(call)), 3)
  end
  local namespace, name = call[1]:match("^([%w_]+)%.([%w_]+)$")
  local f = namespace and client[namespace] and client[namespace][name]
  if type(f) ~= "function" then error(("%s: no function %q"):format(fname, call[1]), 3) end
  local n = call.n or #call
  return function() return M.settle(f(unpack(call, 2, n))) end
end

function M.new(config, fname)
  fname = fname or "sakari.new"
  local resolved = read_config(config, fname)
  local credentials = choose_credentials(config or {}, resolved, fname)
  local options = {
    timeout = resolved.timeout,
    connect_timeout = resolved.connect_timeout,
    ca_file = resolved.ca_file,
    proxy = resolved.proxy,
    insecure = resolved.insecure,
  }
  local session

  -- Secrets that must never survive into an error message, even if a server echoes them.
  local function redact(err, token)
    if errors.is_error(err) and type(err.message) == "string" then
      local message = util.redact(err.message, token)
      if credentials then
        message = util.redact(message, credentials.client_secret)
        message = util.redact(message, credentials.client_id)
        message = util.redact(message, credentials.token)
      end
      err.message = message
    end
    return err
  end

  local ctx = {
    base_url = resolved.base_url,
    timeout = resolved.timeout,
    connect_timeout = resolved.connect_timeout,
    headers = { ["User-Agent"] = M.user_agent(resolved.user_agent_suffix) },
    settings = {
      max_retries = resolved.max_retries,
      retry_backoff = resolved.retry_backoff,
      max_retry_delay = resolved.max_retry_delay,
    },
    on_request = resolved.on_request,
    on_response = resolved.on_response,
    redact = redact,
  }
  -- the token request itself: no bearer token, and harmless to repeat
  local token_ctx = setmetatable({ auth = false }, { __index = ctx })

  local custom = resolved.transport
  local blocking = custom and transports.io(custom) or {
    send = function(request)
      session = session or core.session(options)
      return session:request(request)
    end,
    sleep = core.sleep,
  }

  local client = {}

  -- The I/O of the running call: its queue's when it runs inside one of this
  -- client's queues, else this client's blocking session.
  local function current_io()
    local q = queue.current()
    if q and q.client == client then return q.io end
    return blocking
  end

  if credentials and credentials.token then
    ctx.auth = auth.static(credentials.token)
  elseif credentials then
    ctx.auth = auth.oauth(credentials.client_id, credentials.client_secret, function(io, path, body)
      return flow.run(token_ctx, {
        method = "POST", path = path, raw_body = core.encode(body), content_type = "application/json",
        idempotent = true, secret_response = true,
      }, io)
    end)
  end

  -- request: as endpoint.lua builds it: { fname, method, path, query?, raw_body +
  -- content_type | multipart, raw_response?, accept?, retry?, settings? }
  local function call(request)
    if not ctx.auth then error(NO_CREDENTIALS, 3) end
    return flow.run(ctx, request, current_io())
  end

  for namespace, functions in pairs(resources.bind(call)) do client[namespace] = functions end

  -- A non-blocking queue of calls: push returns at once, poll(timeout) advances
  -- them (0 never blocks) and returns {id, value, err} for those that finished.
  -- A queue needs libcurl's multi handle, or the custom transport's multi;
  -- over a transport without one its calls run one at a time, inside push and poll.
  local function new_queue(concurrency)
    local multi = custom and custom.multi and custom.multi(blocking.send)
    local q = queue.new(multi or custom and queue.serial() or core.multi(options), concurrency)
    q.client = client
    if custom and not multi then q.io = blocking end
    return q
  end

  function client.queue(opts)
    opts = opts or {}
    if type(opts) ~= "table" then util.argerror(2, 1, "queue", "options: expected a table") end
    local concurrency = opts.concurrency or 8
    if type(concurrency) ~= "number" or concurrency < 1 or concurrency ~= math.floor(concurrency) then
      util.argerror(2, 1, "queue", "concurrency: expected a whole number >= 1")
    end
    local q = new_queue(concurrency)
    return {
      push = function(c, callback)
        local f = call_function(client, c, "queue.push")
        if callback ~= nil and type(callback) ~= "function" then
          util.argerror(2, 2, "queue.push", "callback: expected a function")
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

  -- Runs many calls with up to `concurrency` in flight. `calls` is an array or
  -- a function returning the next call (nil at the end), so any number of calls
  -- streams through in constant memory. Without on_result, returns
  -- results[i] = { value = ..., err = ... } in input order; with
  -- on_result(i, value, err), called as each call finishes, returns the counts
  -- { done = n, failed = n }.
  function client.batch(calls, opts)
    opts = opts or {}
    if type(calls) ~= "table" and type(calls) ~= "function" then
      util.argerror(2, 1, "batch", "calls: expected an array or an iterator function")
    end
    if type(opts) ~= "table" then util.argerror(2, 2, "batch", "options: expected a table") end
    local on_result = opts.on_result
    if on_result ~= nil and type(on_result) ~= "function" then
      util.argerror(2, 2, "batch", "on_result: expected a function")
    end
    local concurrency = opts.concurrency or 8
    if type(concurrency) ~= "number" or concurrency < 1 or concurrency ~= math.floor(concurrency) then
      util.argerror(2, 2, "batch", "concurrency: expected a whole number >= 1")
    end
    local next_call
    if type(calls) == "function" then
      next_call = calls
    else
      local i = 0
      next_call = function()
        i = i + 1
        return calls[i]
      end
    end

    local q = new_queue(concurrency)
    local results = not on_result and {} or nil
    local counts = { done = 0, failed = 0 }
    local index_of = {}
    local fed, exhausted = 0, false
    local function deliver(id, value, err, rest)
      local i = index_of[id]
      index_of[id] = nil
      counts.done = counts.done + 1
      if err then counts.failed = counts.failed + 1 end
      if on_result then
        on_result(i, value, err, rest)
      else
        results[i] = { value = value, err = err, rest = rest }
      end
    end
    local ok, failure = pcall(function()
      repeat
        while not exhausted and q:pending() < concurrency do
          local c = next_call()
          if c == nil then
            exhausted = true
          else
            fed = fed + 1
            local id = q.next_id + 1
            index_of[id] = fed
            -- a malformed call fails alone, before it is sent: in a bulk run one
            -- bad row must not strand the requests already in flight
            local made, f = pcall(call_function, client, c, "batch")
            if made then
              q:push(f, deliver, true)
            else
              q.next_id = id
              deliver(id, nil, errors.new { code = "argument", message = tostring(f) })
            end
          end
        end
        if q:pending() > 0 then q:poll(1) end
      until exhausted and q:pending() == 0
    end)
    q:close()
    if not ok then error(failure, 0) end
    return results or counts
  end

  function client.close()
    if session then
      session:close()
      session = nil
    end
    if custom and custom.close then custom.close() end
  end

  return client
end

return M
