-- Properties the fuzz target checks for every input (see fuzz_core.c).
local core = require "sakari.core"

local function equal(a, b, depth)
  if type(a) ~= type(b) then return false end
  if getmetatable(a) ~= getmetatable(b) then return false end -- an array stays an array
  if type(a) ~= "table" then return a == b end
  if depth > 1100 then return true end
  for k, v in pairs(a) do
    if not equal(v, b[k], depth + 1) then return false end
  end
  for k in pairs(b) do
    if a[k] == nil then return false end
  end
  return true
end

return function(bytes)
  local escaped = core.escape(bytes)
  assert(not escaped:find("[^%w%-%._~%%]"), "escape left a reserved character")
  assert(not escaped:find("%%[^0-9A-F]") and not escaped:find("%%.?$"), "escape wrote a bad %XX")

  local value = core.decode(bytes)
  if value ~= nil then
    local ok, text = pcall(core.encode, value)
    if ok then
      local again, why = core.decode(text)
      assert(again ~= nil, "encoded text does not decode (" .. tostring(why) .. "): " .. text)
      assert(equal(value, again, 0), "decode(encode(v)) differs from v")
      -- the round trip is exact: a second one writes the same text
      assert(#core.encode(again) == #text, "encode(decode(text)) differs in length from text")
    end
  end

  local half = #bytes // 2
  local key, val = bytes:sub(1, half), bytes:sub(half + 1)
  local encoded, json = pcall(core.encode, type(value) == "table" and value or { text = val })
  local ok, prepared = pcall(core.prepare, {
    method = "PUT",
    url = "http://127.0.0.1/v1/accounts/" .. escaped,
    query = { [key] = val, list = { val, key, #bytes } },
    headers = { Authorization = val },
    raw_body = encoded and json or val, content_type = "application/json",
    timeout = 10, connect_timeout = 5,
  })
  if ok then
    assert(not prepared.url:find("[%s%c#]"), "a built URL holds a space, control byte or #")
    assert(not prepared.headers.Authorization:find("[\r\n%z]"), "a header value holds CR, LF or NUL")
  end
end
