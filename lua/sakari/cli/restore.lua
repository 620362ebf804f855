-- contacts restore --journal FILE: puts back, for every contact in a journal,
-- the contact as it was before that run (the `before` of its first line: a
-- later line of the same id was made on top of it). A bulk run itself: rows
-- that already hold that state are not written, the others are PUT whole,
-- with their own journal (so a restore can be restored) and a failures file of
-- the journal lines that failed, with an "error" field, to feed back.
local bulk = require "sakari.cli.bulk"
local core = require "sakari.core"
local context = require "sakari.cli.context"
local diff = require "sakari.cli.diff"
local json_out = require "sakari.cli.json_out"

local M = {}

local function failures_writer(file)
  return {
    write = function(item, reason)
      local out = {}
      for k, v in pairs(item.entry or { line = item.raw }) do out[k] = v end
      out.error = reason
      file.append(json_out.encode(out) .. "\n")
    end,
    close = file.close,
  }
end

-- A journal line -> the reason it cannot be restored, or nil.
local function check(entry)
  if not entry then return "not a JSON object" end
  if type(entry.id) ~= "string" or entry.id == "" then return "no id" end
  if type(entry.before) ~= "table" then return "no before (the contact as it was)" end
end

local KIND = { input = "journal", noun = "the journal", itself = "the journal",
               journal_option = "output_journal", journal_kind = "restore", verb = "restored" }

function M.run(args)
  return bulk.execute(args, KIND, function(input)
    local lines, line_no, seen, superseded = input:lines(), 0, {}, 0
    -- the journal's lines, one decoded entry at a time; blank lines are skipped
    local function next_item()
      for raw in lines do
        line_no = line_no + 1
        if raw:find("%S") then
          local decoded, entry = pcall(core.decode, raw)
          entry = decoded and type(entry) == "table" and entry or nil
          local item = { line = line_no, raw = raw, entry = entry, invalid = check(entry) }
          if item.invalid then return item end
          if not seen[entry.id] then
            seen[entry.id] = true
            item.id = entry.id
            item.want = function() return diff.writable(entry.before) end
            return item
          end
          superseded = superseded + 1
        end
      end
    end

    return {
      next_item = next_item, failures = failures_writer,
      note = function()
        if superseded > 0 then
          context.stderr:write(("sakari: %d later lines of contacts seen before: the state of each one's first "
            .. "line is the one put back\n"):format(superseded))
        end
      end,
    }
  end)
end

return M
