-- The journal of a bulk run: one JSON line per row written to the server:
--   {"id": ..., "outcome": "applied" | "unknown", "before": {contact as read},
--    "sent": {the body of the PUT}, "after": {contact as answered} | null,
--    "error": text (outcome "unknown")}
-- "unknown": the PUT went out and failed, or was still in flight at a second
-- Ctrl-C, so it may or may not have been applied (see bulk.lua).
-- It holds customer data: created 0600, never over an existing file. Each line
-- is flushed as it is written, so what a crash leaves is what was applied.
local failure = require "sakari.cli.failure"

local M = {}

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

-- path: the --journal option (must not exist), or nil: the first free name of
-- `candidates` (names.journals). Returns the journal, an appender.
function M.open(path, candidates)
  if path then
    if not create(path) then
      failure.usage_error("sakari: --journal " .. path .. ": exists or cannot be created "
        .. "(a journal is never overwritten: it is the record of what a run changed)")
    end
  else
    for _ = 1, 1000 do
      local name = candidates()
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
