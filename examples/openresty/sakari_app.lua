-- The handlers of examples/openresty/nginx.conf:
--   GET /contacts/<id>   the contact, as JSON
--   PUT /contacts/<id>   updates it with the JSON object of fields in the body
--                        (contacts.update: fields left out are cleared)
-- The account is SAKARI_ACCOUNT_ID; credentials (and SAKARI_API_URL) come from
-- the environment as sakari.new reads it (nginx.conf names them with `env`).
--
-- transport "subrequest" (the default) calls Sakari through the internal
-- location /_sakari: the worker serves other requests while Sakari answers.
-- "blocking" is the libcurl default: simpler, but the whole worker waits.
-- luacheck: globals ngx
local sakari = require "sakari"
local core = require "sakari.core"
local nginx_transport = require "sakari.transport.nginx"

local M = {}

-- One client per worker and transport, made on first use, in the worker: a
-- libcurl handle made in init_by_lua would be shared by every forked worker.
local clients = {}

function M.client(transport)
  transport = transport or "subrequest"
  local client = clients[transport]
  if not client then
    local config = {}
    if transport == "subrequest" then
      config.transport = nginx_transport.new()
    elseif transport ~= "blocking" then
      error("sakari_app: transport is \"subrequest\" or \"blocking\", got " .. tostring(transport), 2)
    end
    client = sakari.new(config)
    clients[transport] = client
  end
  return client
end

local function reply(status, value)
  ngx.status = status
  ngx.header["Content-Type"] = "application/json"
  ngx.say(core.encode(value))
end

-- Sakari's refusals (a bad field, an unknown id) are the caller's to fix; any
-- other failure is ours: 502. The message holds no token.
local function reply_error(err)
  local status = err.status
  if not (status == 400 or status == 404 or status == 422) then status = 502 end
  reply(status, { error = { code = err.code, message = err.message, status = err.status } })
end

local function account()
  local id = os.getenv("SAKARI_ACCOUNT_ID")
  if not id or id == "" then error("sakari_app: SAKARI_ACCOUNT_ID is not set (and `env SAKARI_ACCOUNT_ID;`?)") end
  return id
end

function M.contact(id, transport)
  local client = M.client(transport)
  local method = ngx.req.get_method()
  local contact, err
  if method == "GET" then
    contact, err = client.contacts.get(account(), id)
  elseif method == "PUT" then
    ngx.req.read_body()
    local fields = core.decode(ngx.req.get_body_data() or "")
    if type(fields) ~= "table" then
      return reply(400, { error = { code = "bad_request", message = "the body is a JSON object of contact fields" } })
    end
    contact, err = client.contacts.update(account(), id, fields)
  else
    ngx.header["Allow"] = "GET, PUT"
    return reply(405, { error = { code = "method", message = "GET or PUT" } })
  end
  if not contact then return reply_error(err) end
  reply(200, contact)
end

return M
