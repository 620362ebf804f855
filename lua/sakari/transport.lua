--- Hosts with I/O of their own (OpenResty, an event loop, a test double) plug
-- in a transport with `sakari.new{ transport = t }`; URL building, JSON, errors,
-- auth and retries stay in the module whatever moves the bytes.
-- @module sakari.transport

--- What a transport is.
-- @table transport
-- @tfield function request `function(req)`: req is `{ method, url, headers = { Name = value },
--   body = bytes or nil, timeout, connect_timeout }`; returns `status, headers, body` (bytes), or
--   `nil, { code = "timeout" | "connect" | "dns" | "tls" | "transport", message = ... }` (or a string)
-- @tfield[opt] function sleep `function(seconds)`: how to wait between retries (default: block)
-- @tfield[opt] function close `function()`: called by `client.close()`
-- @tfield[opt] function multi `function(send)`: lets `batch` and `queue` send their calls at once
--   (without it they run one at a time). `send(request)` makes one request through this transport
--   as the client does: it returns `status, headers, value, decode_err`, or `nil, err`. multi returns
--   an object with `add(self, request) -> id` (keep the request, send nothing yet), `pending(self)`
--   (how many were added and not yet answered), `poll(self, wait)` (send those, at most `wait`
--   seconds' waiting if it can, and return the answers ready, each `{ id = id, status = ...,
--   headers = ..., body = value, decode_err = ... }` or `{ id = id, err = err }`; with nothing
--   added, wait `wait` seconds the host's way) and `close(self)`.
--   `sakari.transport.nginx` has one (a light thread per request).
local core = require "sakari.core"

local M = {}

local CODES = { timeout = true, connect = true, dns = true, tls = true, transport = true }

function M.check(t)
  if type(t) ~= "table" or type(t.request) ~= "function" then return false end
  if t.sleep ~= nil and type(t.sleep) ~= "function" then return false end
  if t.close ~= nil and type(t.close) ~= "function" then return false end
  return true
end

local function lower_keys(headers)
  local out = {}
  for name, value in pairs(type(headers) == "table" and headers or {}) do
    if type(name) == "string" then out[name:lower()] = tostring(value) end
  end
  return out
end

-- The failure of a transport as core's { code, message }.
local function failure(err)
  if type(err) == "table" then
    local code = CODES[err.code] and err.code or "transport"
    return { code = code, message = tostring(err.message or code) }
  end
  return { code = "transport", message = tostring(err or "transport failed") }
end

-- An io for flow.run over a transport: the same answers a core session gives.
function M.io(t)
  return {
    send = function(request)
      local prepared = core.prepare(request)
      local ok, status, headers, body = pcall(t.request, prepared)
      if not ok then return nil, failure(status) end
      if type(status) ~= "number" then return nil, failure(headers) end
      headers = lower_keys(headers)
      body = body ~= nil and tostring(body) or ""
      if request.raw_response then return status, headers, body end
      if body == "" then return status, headers, nil end
      local value, why = core.decode(body)
      if value == nil and why then
        return status, headers, nil, ("invalid JSON (%s): %s"):format(why, body:sub(1, 200))
      end
      return status, headers, value
    end,
    sleep = t.sleep or core.sleep,
  }
end

return M
