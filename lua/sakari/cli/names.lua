-- Default names of the files a bulk run writes, next to its input:
--   bulk50.csv            failures bulk50.failed.csv    journal bulk50.journal.jsonl
--   bulk50.failed.csv     failures bulk50.failed.2.csv  journal bulk50.journal.2.jsonl (the first free)
--   bulk50.failed.2.csv   failures bulk50.failed.3.csv
-- A failures file fed back gets a numbered sibling, never a longer name.
local M = {}

-- "dir/bulk50.failed.2.csv" -> "dir/bulk50", 2, ".csv"; a name that is no
-- failures file is round 0.
function M.parts(path)
  local stem, ext = path:match("^(.-)(%.[^./]*)$")
  if not stem or stem == "" or stem:sub(-1) == "/" then stem, ext = path, "" end
  local base, round = stem:match("^(.+)%.failed%.(%d+)$")
  if base then return base, tonumber(round), ext end
  base = stem:match("^(.+)%.failed$")
  if base then return base, 1, ext end
  return stem, 0, ext
end

function M.failures(input)
  local base, round, ext = M.parts(input)
  if round == 0 then return base .. ".failed" .. ext end
  return ("%s.failed.%d%s"):format(base, round + 1, ext)
end

-- The journal names to try, in order: base.KIND.jsonl, base.KIND.2.jsonl, ...
-- kind: "journal" for bulk-update, "restore" for restore.
function M.journals(input, kind)
  local base = M.parts(input)
  local n = 0
  return function()
    n = n + 1
    if n == 1 then return ("%s.%s.jsonl"):format(base, kind) end
    return ("%s.%s.%d.jsonl"):format(base, kind, n)
  end
end

return M
