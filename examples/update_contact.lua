-- Create a contact, update it (the request of Sakari's "update contact" page),
-- read it back and print it.
--
-- Needs SAKARI_ACCOUNT_ID, and SAKARI_ACCESS_TOKEN or SAKARI_CLIENT_ID +
-- SAKARI_CLIENT_SECRET (SAKARI_API_URL points it elsewhere than api.sakari.io).
-- Against the local sandbox, from the repository root:
--
--   python3 sandbox/sakari_sandbox.py --port 8080 &
--   SAKARI_API_URL=http://127.0.0.1:8080 SAKARI_ACCESS_TOKEN=sandbox-token \
--   SAKARI_ACCOUNT_ID=sandbox-account \
--   LUA_PATH='lua/?.lua;lua/?/init.lua;;' LUA_CPATH='build/lua5.4/?.so;;' \
--   lua5.4 examples/update_contact.lua
--
-- Against the real API this leaves a contact "Bob Thomson" in the account.
local sakari = require "sakari"

local function fail(message)
  io.stderr:write(tostring(message), "\n")
  os.exit(1)
end

-- A nested table as indented text, keys sorted so the output is stable.
local function pretty(value, indent)
  indent = indent or ""
  if value == sakari.null then return "null" end
  if type(value) == "string" then return ("%q"):format(value) end
  if type(value) ~= "table" then return tostring(value) end
  if next(value) == nil then return "{}" end
  local inner, lines = indent .. "  ", {}
  if value[1] ~= nil then
    for _, item in ipairs(value) do lines[#lines + 1] = inner .. pretty(item, inner) end
    return "[\n" .. table.concat(lines, ",\n") .. "\n" .. indent .. "]"
  end
  local keys = {}
  for k in pairs(value) do keys[#keys + 1] = tostring(k) end
  table.sort(keys)
  for _, k in ipairs(keys) do lines[#lines + 1] = inner .. k .. " = " .. pretty(value[k], inner) end
  return "{\n" .. table.concat(lines, ",\n") .. "\n" .. indent .. "}"
end

local account = os.getenv("SAKARI_ACCOUNT_ID")
if not account or account == "" then fail("set SAKARI_ACCOUNT_ID to your Sakari account id") end

local created, err = sakari.contacts.create(account, {
  firstName = "Chris", lastName = "Bloggs", email = "chris@example.com",
  mobile = { number = "+15555550123", country = "US" },
})
if not created then fail(err) end
print("created contact " .. created.id)

local _, update_err = sakari.contacts.update(account, created.id, {
  firstName = "Bob",
  lastName = "Thomson",
  mobile = { number = "+1234567890", country = "US" },
})
if update_err then fail(update_err) end

local contact, get_err = sakari.contacts.get(account, created.id)
if not contact then fail(get_err) end
print(pretty(contact))
