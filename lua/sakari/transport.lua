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
--   as the client does: it returns core's result table (`status`, `headers`, `body`, or `kind` and
--   `reason` on failure; request.h). multi returns an object with `add(self, request) -> id` (keep
--   the request, send nothing yet), `pending(self)` (how many were added and not yet answered),
--   `poll(self, wait)` (send those, at most `wait` seconds' waiting if it can, and return the results
--   ready, each send's table with `id` added; with nothing added, wait `wait` seconds the host's
--   way) and `close(self)`. `sakari.transport.nginx` has one (a light thread per request).
local core = require "sakari.core"

local M = {}

local CODES = { timeout = true, connect = true, dns = true, tls = true, transport = true }

function M.check(t)
  return type(t) == "table" and type(t.request) == "function"
    and (t.sleep == nil or type(t.sleep) == "function")
    and (t.close == nil or type(t.close) == "function")
end

local function lower_keys(headers)
  local out = {}
  for name, value in pairs(type(headers) == "table" and headers or {}) do
    if type(name) == "string" then out[name:lower()] = tostring(value) end
  end
  return out
end

-- A transport's failure as core's result fields.
local function failure(err)
  if type(err) ~= "table" then err = { message = err or "transport failed" } end
  local kind = CODES[err.code] and err.code or "transport"
  return { kind = kind, reason = tostring(err.message or kind) }
end

-- An io for flow.run over a transport: the same result table a core session gives.
function M.io(t)
  return {
    send = function(request)
      local ok, status, headers, body = pcall(t.request, core.prepare(request))
      if not ok then return failure(status) end
      if type(status) ~= "number" then return failure(headers) end
      return core.answer(status, lower_keys(headers), body ~= nil and tostring(body) or "", request.raw_response)
    end,
    sleep = t.sleep or core.sleep,
  }
end

return M
