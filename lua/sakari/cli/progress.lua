-- Progress on stderr: a bar redrawn in place on a terminal, plain lines every
-- few seconds otherwise, or nothing.
local core = require "sakari.core"
local context = require "sakari.cli.context"
local failure = require "sakari.cli.failure"

local M = {}

local function duration(seconds)
  seconds = math.floor(seconds + 0.5)
  if seconds < 60 then return seconds .. "s" end
  if seconds < 3600 then return ("%dm%02ds"):format(math.floor(seconds / 60), seconds % 60) end
  return ("%dh%02dm"):format(math.floor(seconds / 3600), math.floor(seconds % 3600 / 60))
end

-- mode: "bar", "lines" or "off"; total: the rows expected, or nil when unknown.
function M.new(mode, total)
  local started = core.now()
  local interval = tonumber(context.env("SAKARI_PROGRESS_INTERVAL") or "") or 5 -- seconds between two lines
  -- lines: the first one after `interval`; the bar: at once
  local p = { last = mode == "lines" and started or -math.huge }
  local out = context.stderr

  local function line(done, failed, bar)
    local elapsed = core.now() - started
    local rate = elapsed > 0 and done / elapsed or 0
    local parts = { total and ("%d/%d rows"):format(done, total) or ("%d rows"):format(done),
                    ("%d/s"):format(math.floor(rate + 0.5)) }
    if total then
      parts[3] = "ETA " .. (done >= total and "0s" or rate > 0 and duration((total - done) / rate) or "?")
    end
    parts[#parts + 1] = ("%d failed"):format(failed)
    if not bar then return table.concat(parts, ", ") end
    local filled = total and total > 0 and math.floor(24 * done / total) or 0
    local meter = total and ("="):rep(filled) .. ">" or ""
    return "[" .. (meter .. (" "):rep(24)):sub(1, 24) .. "] " .. table.concat(parts, "  ")
  end

  function p.update(done, failed, force)
    if mode == "off" then return end
    local now, bar = core.now(), mode == "bar"
    -- the bar: redrawn at most 10 times a second; lines: one an interval, when a row was done
    local due = bar and now - p.last >= 0.1 or not bar and now - p.last >= interval and done ~= p.last_done
    if force or due then
      p.last, p.last_done, p.drawn = now, done, bar
      out:write(bar and "\r" or "", line(done, failed, bar), bar and "\27[K" or "\n")
      out:flush()
    end
  end

  -- A message between progress updates: the bar's line is cleared first.
  function p.message(text)
    if p.drawn then out:write("\r\27[K") end
    out:write(text, "\n")
    out:flush()
    if mode == "bar" then p.last = -math.huge end
  end

  function p.finish(done, failed)
    if mode == "off" then return end
    if mode == "bar" or p.last_done ~= done then p.update(done, failed, true) end
    if mode == "bar" then out:write("\n") end
    p.drawn = false
  end

  return p
end

-- The --progress option, else SAKARI_PROGRESS, else auto -> "bar", "lines" or "off".
function M.mode(option)
  local mode = option or context.env("SAKARI_PROGRESS") or "auto"
  if mode == "auto" then
    local r = os.execute("test -t 2") -- whether stderr is a terminal
    return (r == true or r == 0) and "bar" or "lines"
  end
  if mode ~= "bar" and mode ~= "lines" and mode ~= "off" then
    failure.usage_error(("sakari: SAKARI_PROGRESS: expected bar, lines, off or auto, got %q"):format(mode))
  end
  return mode
end

return M
