-- CSV (RFC 4180) both ways: contact imports go up as CSV, message reports come
-- back as CSV. Pure Lua, no I/O.
local util = require "sakari.util"

local M = {}

-- A cell's text; shared with the table output of `sakari contacts list`.
function M.cell_text(value)
  if type(value) == "number" and value == math.floor(value) and value > -2 ^ 53 and value < 2 ^ 53 then
    return ("%d"):format(value) -- 15551234567, never 1.5551234567e+10
  end
  return tostring(value)
end

-- Quoted only when it must be: a separator, a quote, a line break, or spaces at
-- either end (which some readers trim).
local function field(value)
  local text = M.cell_text(value)
  if text:find('[,"\r\n]') or text:find("^%s") or text:find("%s$") then
    return '"' .. text:gsub('"', '""') .. '"'
  end
  return text
end

-- rows: an array of arrays of strings/numbers/booleans, the first row the header.
-- Returns the CSV text (CRLF line ends, as RFC 4180 says), or nil, detail.
function M.encode(rows)
  local lines = {}
  for i, row in ipairs(rows) do
    if type(row) ~= "table" then
      return nil, ("row %d: expected a table of cells, got %s"):format(i, type(row))
    end
    local cells = {}
    for j, value in ipairs(row) do
      local t = type(value)
      if t ~= "string" and t ~= "number" and t ~= "boolean" then
        return nil, ("row %d, cell %d: expected a string, number or boolean, got %s"):format(i, j, t)
      end
      if t == "number" and not util.finite(value) then
        return nil, ("row %d, cell %d: expected a finite number"):format(i, j)
      end
      cells[j] = field(value)
    end
    lines[i] = table.concat(cells, ",")
  end
  if #lines == 0 then return nil, "expected a header row" end
  return table.concat(lines, "\r\n") .. "\r\n"
end

-- text -> array of rows (arrays of strings). Accepts CRLF or LF line ends and a
-- UTF-8 byte order mark; an unterminated quote is an error. Runs of plain text
-- are taken with string.find, not byte by byte: reports can be large.
function M.decode(text)
  local rows, row, cell = {}, {}, {}
  local i, n = 1, #text
  if text:sub(1, 3) == "\239\187\191" then i = 4 end
  while i <= n do
    local c = text:sub(i, i)
    if c == '"' then
      -- a quoted run, up to the next quote that is not doubled: each piece is
      -- taken with the quote that ends it, one quote of a doubled pair
      repeat
        local q = text:find('"', i + 1, true)
        if not q then return nil, "unterminated quoted field" end
        cell[#cell + 1] = text:sub(i + 1, q)
        i = q + 1
      until text:sub(i, i) ~= '"'
      cell[#cell] = cell[#cell]:sub(1, -2) -- without the closing quote
    elseif c == "," or c == "\n" or text:sub(i, i + 1) == "\r\n" then
      row[#row + 1] = table.concat(cell)
      cell = {}
      if c ~= "," then rows[#rows + 1], row = row, {} end
      i = i + (c == "\r" and 2 or 1)
    else
      local j = text:find('[,"\r\n]', i + 1) or n + 1
      cell[#cell + 1] = text:sub(i, j - 1)
      i = j
    end
  end
  if #cell > 0 or #row > 0 then
    row[#row + 1] = table.concat(cell)
    rows[#rows + 1] = row
  end
  return rows
end

-- text -> records keyed by the header's names, and the header itself: report
-- columns are found by name because their order may change
-- (https://support.sakari.io/hc/en-us/articles/17131420012052).
function M.records(text)
  local rows, err = M.decode(text)
  if not rows then return nil, err end
  local header = rows[1] or {}
  local records = {}
  for r = 2, #rows do
    local row = rows[r]
    if not (#row == 1 and row[1] == "") then -- a blank line
      local record = {}
      for c, name in ipairs(header) do record[name] = row[c] end
      records[#records + 1] = record
    end
  end
  return records, header
end

return M
