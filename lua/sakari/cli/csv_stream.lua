-- CSV in, one record at a time: lines are read until their quotes balance
-- (a quoted cell may hold line breaks), and that record alone is decoded by
-- sakari.csv. A file of any size is never held in memory.
local csv = require "sakari.csv"

local M = {}

local BOM = "\239\187\191"

-- reader() -> { cells = {...}, line = first line number, problem = text|nil } or nil at the end.
-- A record the file ends inside of (an unterminated quote) also has `raw`: its
-- bytes as read, since no cells can say what it holds.
-- Blank lines are skipped (a first line of only a byte order mark counts as blank).
function M.records(handle)
  local line_no = 0
  return function()
    while true do
      local start, parts, quotes = line_no + 1, {}, 0
      repeat
        -- "*l" on every Lua (5.1 has no "*L"): the break it drops is "\n" in
        -- either convention ("\r" stays on the line), so it is put back
        local line = handle:read("*l")
        if not line then break end
        line_no = line_no + 1
        if line_no == 1 and line:sub(1, 3) == BOM then line = line:sub(4) end
        parts[#parts + 1] = line .. "\n"
        quotes = quotes + select(2, line:gsub('"', "")) -- gsub's count of them
      until quotes % 2 == 0
      if #parts == 0 then return nil end
      local text = table.concat(parts)
      local raw = quotes % 2 == 1 and text or nil
      if raw then text = text .. '"' end
      if raw or not text:find("^\r?\n?$") then
        local rows = csv.decode(text) or { {} }
        return { cells = rows[1] or { "" }, line = start, raw = raw,
                 problem = raw and "unterminated quoted field (the file ends inside quotes)" or nil }
      end
    end
  end
end

-- One record as a CSV line (CRLF): csv.encode's text alone, for file:write.
function M.line(cells)
  return (csv.encode({ cells }))
end

return M
