-- A transport written in Lua over LuaSocket, to prove the transport interface
-- (lua/sakari/transport.lua) carries everything a call needs.
local http = require "socket.http"
local ltn12 = require "ltn12"

local M = {}

local function code_of(message)
  if message == "timeout" then return "timeout" end
  if message == "connection refused" then return "connect" end
  if tostring(message):find("host not found", 1, true) then return "dns" end
  return "transport"
end

function M.new()
  local t = { sent = 0 }
  function t.request(req)
    t.sent = t.sent + 1
    local chunks = {}
    local headers = {}
    for name, value in pairs(req.headers) do headers[name:lower()] = value end
    if req.body then headers["content-length"] = tostring(#req.body) end
    http.TIMEOUT = req.timeout -- socket.http applies it to every socket it opens
    local ok, status, answer_headers = http.request {
      url = req.url,
      method = req.method,
      headers = headers,
      source = req.body and ltn12.source.string(req.body) or nil,
      sink = ltn12.sink.table(chunks),
      redirect = false,
    }
    if not ok then return nil, { code = code_of(status), message = tostring(status) } end
    return status, answer_headers, table.concat(chunks)
  end
  function t.close() t.closed = true end
  return t
end

return M
