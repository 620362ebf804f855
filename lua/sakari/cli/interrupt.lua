-- Ctrl-C. core.watch_sigint(true) turns SIGINT into a flag (core.interrupted())
-- that the bulk loop polls between steps: the first Ctrl-C stops taking rows,
-- the second stops waiting for the rows in flight. Without those functions (an
-- older core), the interpreter's own handler raises "interrupted!" in the
-- running Lua code; the loop catches that and treats it as the second kind.
local core = require "sakari.core"

local M = {}

function M.start()
  M.watching = type(core.watch_sigint) == "function" and type(core.interrupted) == "function"
  if M.watching then core.watch_sigint(true) end
end

function M.check()
  return M.watching and core.interrupted() or false
end

-- Clears the flag so that the next Ctrl-C can be told apart.
function M.rearm()
  if M.watching then
    core.watch_sigint(false)
    core.watch_sigint(true)
  end
end

function M.stop()
  if M.watching then core.watch_sigint(false) end
  M.watching = false
end

-- The interpreter's own SIGINT error.
function M.is_error(e)
  return type(e) == "string" and e:find("interrupted!", 1, true) ~= nil
end

return M
