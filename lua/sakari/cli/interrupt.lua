-- Ctrl-C. core.watch_sigint(true) turns SIGINT into a flag (core.interrupted())
-- that the bulk loop polls between steps: the first Ctrl-C stops taking rows,
-- the second stops waiting for the rows in flight. Outside a bulk run the
-- interpreter's own handler raises "interrupted!", which ends the command.
local core = require "sakari.core"

local M = {}

function M.start()
  core.watch_sigint(true)
  M.watching = true
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
