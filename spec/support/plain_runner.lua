-- A tiny test runner for the files busted cannot host (inside Neovim, around an
-- nginx): one line per case, then "NAME: N passed, N failed".
local R = {}
R.__index = R

function R.new(name)
  return setmetatable({ name = name, passed = 0, failed = 0 }, R)
end

function R.say(line)
  io.stdout:write(line, "\n")
  io.stdout:flush()
end

-- Raises message (formatted with the rest) unless cond holds.
function R.check(cond, message, ...)
  if not cond then error(message:format(...), 2) end
end

function R:test(name, fn)
  local ok, why = xpcall(fn, debug.traceback)
  if ok then
    self.passed = self.passed + 1
    R.say("ok   " .. name)
  else
    self:fail(name, why)
  end
end

function R:fail(name, why)
  self.failed = self.failed + 1
  R.say("FAIL " .. name .. "\n  " .. (tostring(why):gsub("\n", "\n  ")))
end

-- Runs main, counting an error outside any case as one failure; prints the
-- closing line and returns whether everything passed.
function R:run(main)
  local ok, why = xpcall(main, debug.traceback)
  if not ok then self:fail("the test file itself", why) end
  R.say(("%s: %d passed, %d failed"):format(self.name, self.passed, self.failed))
  return self.failed == 0
end

return R
