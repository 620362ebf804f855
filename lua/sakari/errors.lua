--- The one error object a failed call returns as its second value.
-- Nothing here ever sees a request header, so no token can end up in an error.
-- @module sakari.errors

--- Fields of an error object; `tostring(err)` reads
-- `sakari: PUT /v1/accounts/acc/contacts/c1: 404 CONT-002: Invalid contact id`.
-- @table err
-- @tfield integer|nil status the HTTP status, nil when no answer arrived
-- @tfield string code Sakari's `error.code` ("CONT-001", ...), or "timeout", "connect", "dns", "tls",
--   "transport", "decode", "http", "auth"; in a batch also "argument" (a malformed call, not sent)
-- @tfield string message Sakari's message, or what went wrong
-- @tfield boolean retryable a transient kind of failure (transport, 429, 500, 502, 503, 504)
-- @tfield string method the request's method
-- @tfield string path the request's path, without host or query (a query may carry personal data)
local retry = require "sakari.retry"
local usage = require "sakari.usage"
local util = require "sakari.util"

local M = {}

local Error = {}

function Error.__tostring(e)
  -- no request behind it (webhooks.parse, say): no "METHOD path" to show
  local where = (e.method or e.path) and ("%s %s: "):format(e.method or "?", e.path or "?") or ""
  local head = e.status and e.status .. " " .. e.code or e.code
  if e.message and e.message ~= "" then head = head .. ": " .. e.message end
  return "sakari: " .. where .. head
end

-- fields: a table of its own (it becomes the error) with the fields above.
function M.new(fields)
  fields.retryable = retry.retryable(fields)
  return setmetatable(fields, Error)
end

function M.is_error(x)
  return getmetatable(x) == Error
end

-- Whether a raised error is a mistake in how the library was called (a bad
-- argument, setting or name: usage.lua), as opposed to anything else.
M.is_argument = usage.is

-- A failure with no answer; r: core's result fields { kind, reason, curl_code, truncated }.
function M.transport(method, path, r)
  local message = util.snippet(r.reason or "transport failure", 200)
  -- the connection dropped mid-answer: a transport failure, which the retry
  -- policy repeats only where repeating is safe (never a POST)
  if r.truncated then message = "response body truncated: " .. message end
  return M.new {
    method = method, path = path, code = type(r.kind) == "string" and r.kind or "transport",
    message = message, curl_code = r.curl_code,
  }
end

-- The parser's reason means nothing to a user, the body's first bytes do.
local function excerpt(failure)
  return util.snippet(failure.excerpt, 120, true)
end

-- A 2xx the library cannot use: empty, not JSON, or not a JSON object.
-- failure: core's result fields of a body that did not decode ({ excerpt, bad_utf8 }).
function M.decode(method, path, status, failure, what)
  if failure then
    what = (failure.bad_utf8 and "response is not valid UTF-8: " or "response is not JSON: ") .. excerpt(failure)
  end
  return M.new {
    method = method, path = path, status = status, code = "decode", message = what or "response body is empty",
  }
end

-- Any answer the server meant as a failure: a non-2xx status, or success == false.
function M.response(method, path, status, body, failure)
  local code, message
  if type(body) == "table" then
    local e = body.error
    if type(e) == "table" then
      if util.non_empty_string(e.code) then code = e.code end
      message = e.message or e.description
    elseif type(e) == "string" then
      message = body.error_description or e
    end
    message = message or body.message
  elseif failure then
    message = excerpt(failure)
  end
  if not util.non_empty_string(message) then message = "HTTP " .. status end
  return M.new {
    method = method, path = path, status = status,
    code = code or "http", message = util.snippet(message, 300),
  }
end

return M
