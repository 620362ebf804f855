-- Body checks for the calls where a mistake costs money: a request that cannot
-- be right raises before it is sent. Each check returns nil when the body is
-- acceptable, else a detail for the argument error. Only what the documents
-- require is checked; everything else goes to the server untouched.
local util = require "sakari.util"

local M = {}

local describe, non_empty_string = util.describe, util.non_empty_string

local function has_entries(t)
  for _, v in pairs(t) do
    if not (type(v) == "table" and next(v) == nil) then return true end
  end
  return false
end

-- messages.send (https://developer.sakari.io/api-reference/messages/send-messages): who, and what.
function M.send_request(body)
  for _, key in ipairs { "contacts", "conversations" } do
    local v = body[key]
    if v ~= nil and type(v) ~= "table" then
      return ("%s: expected an array, got %s"):format(key, describe(v))
    end
    if v ~= nil and v[1] == nil and next(v) ~= nil then
      -- contacts = { mobile = ... }: one contact where a list of them belongs
      return ("%s: expected an array, got a table with named keys (wrap it: { ... })"):format(key)
    end
  end
  local contacts, conversations = body.contacts or {}, body.conversations or {}
  for i, contact in ipairs(contacts) do
    if type(contact) ~= "table" then
      return ("contacts[%d]: expected a table, got %s"):format(i, describe(contact))
    end
    local mobile = contact.mobile
    if not (non_empty_string(contact.id)
        or (type(mobile) == "table" and non_empty_string(mobile.number))) then
      return ("contacts[%d]: needs an id or a mobile.number"):format(i)
    end
  end
  for i, id in ipairs(conversations) do
    if not non_empty_string(id) then
      return ("conversations[%d]: expected a conversation id (a non-empty string), got %s"):format(i, describe(id))
    end
  end
  local filters = body.filters
  if filters ~= nil and type(filters) ~= "table" then
    return "filters: expected a table, got " .. describe(filters)
  end
  if not (contacts[1] ~= nil or conversations[1] ~= nil or (filters and has_entries(filters))) then
    return "no recipients: give contacts, conversations or filters"
  end
  local template, media = body.template, body.media
  if template ~= nil and type(template) ~= "string" then
    return "template: expected the message text (a string), got " .. describe(template)
  end
  if not (non_empty_string(template) or (type(media) == "table" and media[1] ~= nil)) then
    return "nothing to send: give template (the message text) or media"
  end
end

-- campaigns.quick: the fields the docs mark as required.
function M.quick_campaign(body)
  for _, key in ipairs { "name", "groupId", "listId" } do
    if not non_empty_string(body[key]) then
      return ("%s: expected a non-empty string, got %s"):format(key, describe(body[key]))
    end
  end
  local message = body.message
  if type(message) ~= "table" then
    return "message: expected a table {message = text, media = ...}, got " .. describe(message)
  end
  if not (non_empty_string(message.message) or (type(message.media) == "table" and message.media[1] ~= nil)) then
    return "message: give message.message (the text) or message.media"
  end
end

return M
