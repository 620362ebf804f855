-- Exit statuses, and the failures that end a command: raised as tables and
-- turned into a status by main (help and version too, with status 0).
local errors = require "sakari.errors"
local util = require "sakari.util"

local M = {}

M.EXIT_OK, M.EXIT_FAILED, M.EXIT_USAGE, M.EXIT_INTERRUPTED = 0, 1, 2, 130

local Failure = { __tostring = function(f) return f.message end }

function M.fail(message, status)
  error(setmetatable({ message = message, status = status or M.EXIT_FAILED }, Failure), 0)
end

function M.usage_error(message) M.fail(message, M.EXIT_USAGE) end

function M.is_failure(e) return getmetatable(e) == Failure end

-- The interpreter's own SIGINT error: outside a bulk run's watch (sakari.cli.bulk),
-- Ctrl-C raises "interrupted!", which ends the command.
function M.is_interrupt(e)
  return type(e) == "string" and e:find("interrupted!", 1, true) ~= nil
end

-- "lua/sakari/cli.lua:12: bad argument ..." -> "bad argument ..."
function M.strip_position(message)
  return util.strip_position(tostring(message))
end

-- A library call: its values, or its `nil, err` printed as a failure. One that
-- raises on a wrong argument (before sending anything, a table
-- errors.is_argument tells by its type): the argument came from the command
-- line, so it is a usage error; anything else it raises is a plain failure.
local function passed(ok, e, ...)
  if ok and e == nil then M.fail(tostring((...))) end
  if ok then return e, ... end
  if M.is_failure(e) or M.is_interrupt(e) then error(e, 0) end
  local message = "sakari: " .. M.strip_position(e):gsub("^sakari: ", "")
  if errors.is_argument(e) then M.usage_error(message) end
  M.fail(message)
end

function M.guarded(f, ...) return passed(pcall(f, ...)) end

return M
