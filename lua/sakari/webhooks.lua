-- What arrives at a webhook URL, read without any request: `webhooks.parse`,
-- and the signature scheme of Sakari's Node SDK (`webhooks.sign`/`verify`).
--
-- Two payload formats exist (https://support.sakari.io/hc/en-us/articles/15804059182100
-- and https://developer.sakari.io/openapi.yaml):
--   current (help centre): {accountId, eventType = "message-received", payload = {...}}
--   legacy (spec 1.0.1):   {accountId, eventId, type = "messageIncoming", data = {...}}
-- parse gives both the same shape:
--   { type = "message-received", accountId, id (eventId, legacy only), data (payload/data,
--     untouched), format = "current" | "legacy", body = the whole decoded body }
-- Legacy type names are mapped to the current event names where one exists, so
-- one handler serves both; the name as delivered stays in body.type.
local core = require "sakari.core"
local errors = require "sakari.errors"
local usage = require "sakari.usage"
local util = require "sakari.util"

local M = {}

local LEGACY_TYPES = { messageIncoming = "message-received", messageStatus = "message-status" }

local function fail(code, message)
  return nil, errors.new { code = code, message = message }
end

-- A number as JavaScript's Number::toString writes it: the fewest digits that read
-- back the same, in plain notation from 1e-6 to below 1e21, else as 1.5e+300. (LuaJIT's
-- format rounds an exact tie up where JavaScript takes the even digit: 649714273740195.25.)
local function js_number(value)
  if value ~= value then return "NaN" end
  if value == 0 then return "0" end -- -0 too
  local sign, magnitude = value < 0 and "-" or "", math.abs(value)
  if magnitude == math.huge then return sign .. "Infinity" end
  local text
  for precision = 0, 16 do
    text = ("%." .. precision .. "e"):format(magnitude)
    if tonumber(text) == magnitude then break end
  end
  local first, rest, exponent = text:match("^(%d)%.?(%d*)e([-+]%d+)$")
  local digits, point = first .. rest, tonumber(exponent) + 1 -- digits before the point
  if point > 21 or point <= -6 then
    return ("%s%s%se%s%d"):format(sign, first, rest == "" and "" or "." .. rest, point > 0 and "+" or "-",
      math.abs(point - 1))
  elseif point >= #digits then
    return sign .. digits .. ("0"):rep(point - #digits)
  elseif point > 0 then
    return sign .. digits:sub(1, point) .. "." .. digits:sub(point + 1)
  end
  return sign .. "0." .. ("0"):rep(-point) .. digits
end

-- The value as JavaScript's `${value}` writes it, which is what the SDK signs.
local function js_string(value)
  local t = type(value)
  if value == core.null then return "null" end
  if t == "string" then return value end
  if t == "number" then return js_number(value) end
  if t == "table" then
    if value[1] ~= nil or next(value) == nil and getmetatable(value) then
      local parts = {}
      for i, item in ipairs(value) do parts[i] = (item == core.null) and "" or js_string(item) end
      return table.concat(parts, ",")
    end
    return "[object Object]"
  end
  return tostring(value)
end

-- Raises at the line that called sign or verify: level 3.
local function check_sign_args(fname, url, params, secret)
  if type(url) ~= "string" or url == "" then
    usage.argument(3, 1, fname, "url: expected the webhook URL (a non-empty string), got " .. type(url))
  end
  if type(params) ~= "table" then
    usage.argument(3, 2, fname, "params: expected a table, got " .. type(params))
  end
  if type(secret) ~= "string" or secret == "" then
    usage.argument(3, fname == "webhooks.sign" and 3 or 4, fname,
      "secret: expected your client secret (a non-empty string), got " .. type(secret))
  end
end

local function signature(url, params, secret)
  -- the SDK's normalisation: the URL ends in "?" or "&" before the parameters
  local separator = "?"
  if url:find("?", 1, true) then separator = url:find("[?&]$") and "" or "&" end
  local parts = { url .. separator }
  for _, k in ipairs(util.sorted_keys(params)) do
    local v = params[k]
    if v == nil then v = params[tonumber(k)] end
    parts[#parts + 1] = k .. "=" .. js_string(v) .. "&"
  end
  -- as the SDK does, the last character goes: the last "&" (with no parameters, the URL's "?" or "&")
  return core.base64(core.hmac_sha1(secret, table.concat(parts):sub(1, -2)))
end

-- base64(HMAC-SHA1(client secret, url .. "?" .. sorted "key=value" joined by "&")),
-- as the official Node SDK's validateRequest computes it. Whether Sakari still
-- signs deliveries, and in which header, is not documented.
function M.sign(url, params, secret)
  check_sign_args("webhooks.sign", url, params, secret)
  return signature(url, params, secret)
end

-- Compares in constant time, so the comparison does not leak the expected value.
function M.verify(url, params, given, secret)
  check_sign_args("webhooks.verify", url, params, secret)
  if type(given) ~= "string" then
    usage.argument(2, 3, "webhooks.verify", "signature: expected a string, got " .. type(given))
  end
  local expected = signature(url, params, secret)
  if #given ~= #expected then return false end
  local diff = 0
  for i = 1, #expected do
    if expected:byte(i) ~= given:byte(i) then diff = diff + 1 end
  end
  return diff == 0
end

local non_empty_string = util.non_empty_string

-- body: the request body as delivered (a string), or already decoded (a table).
-- opts (optional): { secret = client secret, url = this webhook's URL,
--                    signature = the signature that came with it }:
-- with `secret`, the signature is checked (over the body's top-level fields)
-- and a mismatch is an error; without it nothing is checked.
-- Returns the event, or nil, err (err.code "decode", "webhook" or "signature").
function M.parse(body, opts)
  if type(body) ~= "string" and type(body) ~= "table" then
    usage.argument(2, 1, "webhooks.parse",
      "body: expected the delivered body (a string or a table), got " .. type(body))
  end
  if opts ~= nil and type(opts) ~= "table" then
    usage.argument(2, 2, "webhooks.parse", "options: expected a table, got " .. type(opts))
  end
  opts = opts or {}
  for key in pairs(opts) do
    if key ~= "secret" and key ~= "url" and key ~= "signature" then
      usage.argument(2, 2, "webhooks.parse",
        ("unknown option '%s' (accepted: secret, signature, url)"):format(tostring(key)))
    end
  end
  if opts.secret ~= nil and not (non_empty_string(opts.secret) and non_empty_string(opts.url)) then
    usage.argument(2, 2, "webhooks.parse",
      "options: secret and url must both be non-empty strings to check a signature")
  end

  local decoded, reason = body
  if type(body) == "string" then
    decoded, reason = core.decode(body) -- nil and why, for text that is not JSON
    if decoded == nil then return fail("decode", "webhook body is not JSON: " .. tostring(reason)) end
  end
  if type(decoded) ~= "table" or decoded[1] ~= nil then
    return fail("webhook", "webhook body is not a JSON object")
  end

  if opts.secret then
    local given = opts.signature
    if not (non_empty_string(given) and M.verify(opts.url, decoded, given, opts.secret)) then
      return fail("signature", "webhook signature missing or wrong")
    end
  end

  local event
  if non_empty_string(decoded.eventType) then
    event = { format = "current", type = decoded.eventType, data = decoded.payload }
  elseif non_empty_string(decoded.type) then
    event = { format = "legacy", type = LEGACY_TYPES[decoded.type] or decoded.type, data = decoded.data,
              id = decoded.eventId }
  else
    return fail("webhook", "not a Sakari webhook body: no eventType (or type) field")
  end
  event.accountId = decoded.accountId
  if event.accountId == nil and type(event.data) == "table" then event.accountId = event.data.accountId end
  event.body = decoded
  return event
end

return M
