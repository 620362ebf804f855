-- When a failed request is tried again, and after how long: the table of
-- docs/failures.md (spec/retry_spec.lua holds this file to it). Pure policy:
-- the client asks `delay(...)` after each failure and sleeps what it is told.
-- A POST may create something, and a row marked retry = "never" (messages.send)
-- costs money: they are repeated only when the server cannot have acted on
-- them (the request never left this machine, or a 429, RFC 6585: not processed).
local core = require "sakari.core"

local M = {}

local IDEMPOTENT = { GET = true, HEAD = true, PUT = true, DELETE = true }
local UNSENT = { connect = true, dns = true }
local LOST_ANSWER = { timeout = true, transport = true }
local SERVER_STATUS = { [500] = true, [502] = true, [503] = true, [504] = true }

-- Whether a failure is of a transient kind (err.retryable): nothing reached the
-- server, the answer was lost, or the server said "try later". Whether it is
-- repeated also depends on the request: see allowed.
function M.retryable(err)
  if err.status == nil then return UNSENT[err.code] or LOST_ANSWER[err.code] or false end
  return err.status == 429 or SERVER_STATUS[err.status] or false
end

-- Whether this failure may be repeated for this request, by that table.
function M.allowed(request, err)
  if not M.retryable(err) then return false end
  if err.status == 429 or (err.status == nil and UNSENT[err.code]) then return true end
  -- idempotent: a POST that is harmless to repeat (fetching a token)
  return request.retry ~= "never" and (request.idempotent or IDEMPOTENT[request.method]) or false
end

local MONTHS = { Jan = 1, Feb = 2, Mar = 3, Apr = 4, May = 5, Jun = 6, Jul = 7, Aug = 8, Sep = 9, Oct = 10,
  Nov = 11, Dec = 12 }

-- Seconds since the epoch of a UTC calendar date (os.time would read it as local time).
local function utc_epoch(y, m, d, hh, mm, ss)
  if m <= 2 then y, m = y - 1, m + 12 end
  local days = 365 * y + math.floor(y / 4) - math.floor(y / 100) + math.floor(y / 400)
    + math.floor((153 * (m - 3) + 2) / 5) + d - 719469
  return days * 86400 + hh * 3600 + mm * 60 + ss
end

-- A Retry-After value (delay-seconds or an IMF-fixdate) as seconds from now, or nil.
function M.retry_after(value, now)
  if type(value) ~= "string" then return nil end
  local seconds = value:match("^%s*(%d+)%s*$")
  if seconds then return tonumber(seconds) end
  local d, mon, y, hh, mm, ss = value:match("^%s*%a%a%a, (%d%d) (%a%a%a) (%d%d%d%d) (%d%d):(%d%d):(%d%d) GMT%s*$")
  if not d or not MONTHS[mon] then return nil end
  local at = utc_epoch(tonumber(y), MONTHS[mon], tonumber(d), tonumber(hh), tonumber(mm), tonumber(ss))
  return math.max(0, at - (now or os.time()))
end

-- Seconds to wait after `attempt` tries (1 after the first failure) failed with
-- err: its Retry-After, else full jitter (0 to the exponential step), capped.
function M.wait(err, attempt, settings, random)
  if (err.status == 429 or err.status == 503) and err.retry_after then
    return math.min(err.retry_after, settings.max_retry_delay)
  end
  local step = math.min(settings.retry_backoff * 2 ^ (attempt - 1), settings.max_retry_delay)
  return (random or core.random)() * step
end

-- The wait before attempt `attempt + 1`, or nil when the failure is final.
function M.delay(request, err, attempt, settings, random)
  if attempt > settings.max_retries or not M.allowed(request, err) then return nil end
  return M.wait(err, attempt, settings, random)
end

return M
