-- Request bodies that are not JSON: the argument a user passes -> the fields of
-- the request core sends (raw_body + content_type, or multipart). Each returns
-- those fields, or nil, detail (the caller raises, blaming the user's line).
local csv = require "sakari.csv"
local util = require "sakari.util"

local M = {}

local FILE_KEYS = { data = true, filename = true, content_type = true }

-- contacts.import: CSV text as is, or rows (an array of arrays of cells, the
-- first row the header: country, firstName, lastName, email, mobile, ...).
function M.csv(value)
  if type(value) == "table" then
    local text, detail = csv.encode(value)
    if not text then return nil, detail end
    value = text
  elseif type(value) ~= "string" or value == "" then
    return nil, "expected CSV text or rows, got " .. (value == "" and "empty string" or type(value))
  end
  return { raw_body = value, content_type = "text/csv" }
end

-- tools.share_file: a string is sent as the raw bytes (application/octet-stream);
-- { data = bytes, filename = "a.png", content_type = "image/png" } as a
-- multipart/form-data upload in the field "media", built by libcurl (filename
-- "file" when none is given).
function M.file(value)
  if value == "" or (type(value) == "table" and value.data == "") then
    return nil, "the file is empty"
  end
  if type(value) == "string" then
    return { raw_body = value, content_type = "application/octet-stream" }
  end
  if type(value) ~= "table" then
    return nil, "expected the file's bytes (a string) or {data, filename?, content_type?}, got " .. type(value)
  end
  if type(value.data) ~= "string" then
    return nil, "data: expected the file's bytes (a string), got " .. type(value.data)
  end
  local unknown = util.unknown_key(value, FILE_KEYS, "key")
  if unknown then return nil, unknown end
  for _, key in ipairs { "filename", "content_type" } do
    local v = value[key]
    if v ~= nil and (type(v) ~= "string" or v == "" or v:find("[%c\"]")) then
      return nil, key .. ": expected a non-empty string without quotes or control characters"
    end
  end
  return {
    multipart = { {
      -- the form field of /tools/sharefile in Sakari's OpenAPI file (https://developer.sakari.io/openapi.yaml)
      name = "media", data = value.data, content_type = value.content_type,
      -- a part without a filename reads as a text field to most servers, not a file
      filename = value.filename or "file",
    } },
  }
end

return M
