-- raised(f, ...): f(...) raises; returns the error as text.
local assert = require "luassert"

return function(f, ...)
  local ok, err = pcall(f, ...)
  assert.is_false(ok, "expected an error")
  return tostring(err)
end
