-- refused.error(f, ...): f(...) raises a usage error (a bad argument, setting
-- or name) and sends nothing; returns the error. Called as not a tail call, so
-- the error's `where` is the line of the spec that called it.
-- refused.message(f, ...): the same check; returns the error's message.
local sandbox = require "spec.support.sandbox"
local errors = require "sakari.errors"

local R = {}

function R.error(f, ...)
  local ok, err = pcall(f, ...)
  assert(not ok, "expected an error")
  assert(errors.is_argument(err), "not a usage error: " .. tostring(err))
  local sent = sandbox.requests()
  assert(#sent == 0, "sent " .. #sent .. " requests")
  return err
end

function R.message(f, ...)
  local err = R.error(f, ...)
  return err.message
end

return R
