-- The files a bulk run writes, and their default names next to its input:
--   bulk50.csv            failures bulk50.failed.csv    journal bulk50.journal.jsonl
--   bulk50.failed.csv     failures bulk50.failed.2.csv  journal bulk50.journal.2.jsonl (the first free)
--   bulk50.failed.2.csv   failures bulk50.failed.3.csv
-- A failures file fed back gets a numbered sibling, never a longer name.
--
-- The journal: one JSON line per row written to the server:
--   {"id": ..., "outcome": "applied" | "unknown", "before": {contact as read},
--    "sent": {the body of the PUT}, "after": {contact as answered} | null,
--    "error": text (outcome "unknown")}
-- "unknown": the PUT went out and failed, or was still in flight at a second
-- Ctrl-C, so it may or may not have been applied (see bulk.lua).
-- It holds customer data: created 0600, never over an existing file. Each line
-- is flushed as it is written, so what a crash leaves is what was applied.
local failure = require "sakari.cli.failure"

local M = {}

-- "dir/bulk50.failed.2.csv" -> "dir/bulk50", 2, ".csv"; a name that is no
-- failures file is round 0.
local function parts(path)
  local stem, ext = path:match("^(.-)(%.[^./]*)$")
  if not stem or stem == "" or stem:sub(-1) == "/" then stem, ext = path, "" end
  local base, round = stem:match("^(.+)%.failed%.(%d+)$")
  if base then return base, tonumber(round), ext end
  base = stem:match("^(.+)%.failed$")
  if base then return base, 1, ext end
  return stem, 0, ext
end

function M.failures_name(input)
  local base, round, ext = parts(input)
  if round == 0 then return base .. ".failed" .. ext end
  return ("%s.failed.%d%s"):format(base, round + 1, ext)
end

-- The nth journal name to try: base.KIND.jsonl, base.KIND.2.jsonl, ...
-- kind: "journal" for bulk-update, "restore" for restore.
function M.journal_name(input, kind, n)
  local base = parts(input)
  if n == 1 then return ("%s.%s.jsonl"):format(base, kind) end
  return ("%s.%s.%d.jsonl"):format(base, kind, n)
end

-- Creates an empty file with mode 0600, failing if it exists (noclobber).
local function create(path)
  local quoted = "'" .. path:gsub("'", "'\\''") .. "'"
  local r = os.execute("(umask 077 && set -C && : > " .. quoted .. ") 2>/dev/null")
  return r == true or r == 0
end

-- A file written in pieces, each flushed at once (`appended` once one was);
-- close(keep) removes it unless keep, and returns its path when kept. what
-- names it in errors.
function M.appender(handle, path, what)
  local f = {}
  function f.append(text)
    local ok, err = handle:write(text)
    if ok then ok, err = handle:flush() end
    if not ok then failure.fail(("sakari: cannot write %s %s: %s"):format(what, path, tostring(err))) end
    f.appended = true
  end
  function f.close(keep)
    handle:close()
    if keep then return path end
    os.remove(path)
  end
  return f
end

-- path: the file `flag` names (it must not exist), or nil: the first free
-- journal_name of the failures file `next_to`. Returns the journal, an appender.
function M.journal(flag, path, next_to, kind)
  if path then
    if not create(path) then
      failure.usage_error("sakari: " .. flag .. " " .. path .. ": exists or cannot be created "
        .. "(a journal is never overwritten: it is the record of what a run changed)")
    end
  else
    for n = 1, 1000 do
      local name = M.journal_name(next_to, kind, n)
      if create(name) then
        path = name
        break
      end
    end
    if not path then failure.fail("sakari: cannot create a journal file next to the input; give --journal FILE") end
  end
  local handle, err = io.open(path, "ab")
  if not handle then failure.fail("sakari: cannot write the journal " .. path .. ": " .. tostring(err)) end
  return M.appender(handle, path, "the journal")
end

return M
