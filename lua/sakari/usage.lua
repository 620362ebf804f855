--- A mistake in how the library is called: a bad argument, setting or name.
-- Raised (never returned) before anything is sent, at the caller's line, as a
-- table the CLI and other callers tell apart by type (`errors.is_argument`)
-- instead of by its words. `tostring(e)` is the message Lua's own argument
-- errors have (`file.lua:12: bad argument #2 to 'contacts.get' (...)`).
-- @module sakari.usage
local M = {}

--- Fields of a usage error.
-- @table usage
-- @tfield string message what is wrong, without the position
-- @tfield[opt] string where "file.lua:12", the caller's line
-- @tfield[opt] integer argument the argument's number
-- @tfield[opt] string fname the function called ("contacts.get", "sakari.new")
-- @tfield[opt] string setting the setting named, `env` its environment variable

local Usage = {}

function Usage.__tostring(e)
  return e.where and e.where .. ": " .. e.message or e.message
end

function Usage.__concat(a, b) return tostring(a) .. tostring(b) end

-- String methods read the text, so code that took the error for the string
-- Lua's argument errors are (`e:find("contactId")`) keeps working.
function Usage.__index(e, key)
  local method = string[key]
  if method then return function(_, ...) return method(tostring(e), ...) end end
end

function M.is(x)
  return getmetatable(x) == Usage
end

-- Raises message; `level` counts as error()'s does: 2 blames the caller of the
-- function calling raise.
function M.raise(level, message, fields)
  local e = fields or {}
  e.message = message
  local info = debug.getinfo(level + 1, "Sl")
  if info and info.currentline and info.currentline > 0 then
    e.where = info.short_src .. ":" .. info.currentline
  end
  error(setmetatable(e, Usage), 0)
end

-- "bad argument #n to 'fname' (detail)", as luaL_argerror words it.
function M.argument(level, n, fname, detail, fields)
  fields = fields or {}
  fields.argument, fields.fname = n, fname
  M.raise(level + 1, ("bad argument #%d to '%s' (%s)"):format(n, fname, detail), fields)
end

return M
