-- The sandbox server for specs: one per busted run, started on first use, gone
-- when the Lua process exits (--watch-pid). Control calls go through core.session.
local S = {}

S.ACCOUNT = "sandbox-account"
S.TOKEN = "sandbox-token"
S.CLIENT_ID = "sandbox-client-id"
S.CLIENT_SECRET = "sandbox-client-secret"
S.SEED_CONTACT = "seed-contact"

local url, session

local function sleep(seconds)
  os.execute("sleep " .. tostring(seconds))
end

local read_file = require("spec.support.fs").read

local core = require "sakari.core"

local function control_session()
  session = session or core.session()
  return session
end

-- core's result table for one control call (body: a table sent as JSON).
local function raw_control(method, path, body, raw_response)
  return control_session():request {
    method = method, url = url .. path, timeout = 10, connect_timeout = 5, raw_response = raw_response,
    raw_body = body and core.encode(body), content_type = body and "application/json",
  }
end

-- Starts the server the first time; returns its base URL.
function S.url()
  if url then return url end
  local port_file = os.tmpname()
  os.remove(port_file)
  -- inside os.execute's shell, $PPID is this Lua process
  -- env -u: a sanitizer preloaded into Lua for the ASan run must not reach Python
  local command = ("env -u LD_PRELOAD /usr/bin/python3 sandbox/sakari_sandbox.py --port 0 --quiet"
    .. " --port-file %s --watch-pid $PPID >/dev/null 2>&1 &"):format(port_file)
  os.execute(command)
  for _ = 1, 300 do
    local text = read_file(port_file)
    local port = text and text:match("^%s*(%d+)%s*$")
    if port then
      url = "http://127.0.0.1:" .. port
      -- the file may appear a moment before the socket answers
      for _ = 1, 100 do
        if raw_control("GET", "/_sandbox/requests").status then
          os.remove(port_file)
          return url
        end
        sleep(0.05)
      end
      url = nil
      break
    end
    sleep(0.05)
  end
  os.remove(port_file)
  error("the sandbox did not start (python3 sandbox/sakari_sandbox.py, run from the repository root)")
end

local function control(method, path, body)
  S.url()
  local r = raw_control(method, path, body)
  if not r.status then error("sandbox control call failed: " .. tostring(r.reason), 2) end
  if r.status >= 300 then error(("sandbox control %s %s: HTTP %d"):format(method, path, r.status), 2) end
  return r.body
end

-- Back to the start state: contacts, tokens, faults, request log, config.
function S.reset()
  control("POST", "/_sandbox/reset")
end

-- Every request the sandbox received since the last reset/clear, oldest first:
-- { method, path (raw, with query), query = {name = {values}}, headers = {lowercased}, body = text }
function S.requests()
  return control("GET", "/_sandbox/requests").requests
end

function S.clear_requests()
  control("DELETE", "/_sandbox/requests")
end

-- One fault, or several in order; see the sandbox's README for the fields.
function S.fault(...)
  control("POST", "/_sandbox/faults", { faults = { ... } })
end

-- Drops every fault still queued.
function S.clear_faults()
  control("DELETE", "/_sandbox/faults")
end

function S.token_lifetime(seconds)
  control("POST", "/_sandbox/config", { token_lifetime = seconds })
end

function S.expire_tokens()
  control("POST", "/_sandbox/expire-tokens")
end

-- The seeded random fault mode: { seed = n, rate = 0..1, kinds?, method?, path?,
-- retry_after? } (see the sandbox's README). Returns what it reports.
function S.chaos(config)
  return control("POST", "/_sandbox/chaos", config)
end

-- Turns it off; returns { config, matched, injected = {kind = n} } of the run.
function S.chaos_off()
  return control("DELETE", "/_sandbox/chaos")
end

-- Every stored contact of the account as canonical JSON text (keys sorted), by id:
-- what the server holds, byte for byte, with no decoding in between.
function S.stored_contacts(account)
  return control("GET", "/_sandbox/contacts" .. (account and ("?account=" .. account) or "")).contacts
end

-- N more valid contacts (fresh numbers) in the account; returns their ids.
function S.seed(n, account)
  return control("POST", "/_sandbox/seed", { contacts = n, account = account }).ids
end

-- An inbound SMS: { mobile = number | contactId = id, message = text }; returns the message.
function S.inbound(fields)
  return control("POST", "/_sandbox/inbound", fields).data
end

-- The bytes tools.share_file stored at a link the sandbox handed out, and their content type.
function S.file(link)
  local path = assert(link:match("^https?://[^/]+(/_sandbox/files/.+)$"), "not a sandbox file link: " .. link)
  S.url()
  local r = raw_control("GET", path, nil, true)
  if r.status ~= 200 then error(("sandbox file %s: HTTP %s"):format(path, tostring(r.status)), 2) end
  return r.body, r.headers["content-type"]
end

-- PUTs a contact as JSON text, exactly as given (no encoder in between: big
-- integers, empty arrays); returns the status.
function S.put_contact_json(id, text, account)
  S.url()
  return control_session():request {
    method = "PUT", url = url .. "/v1/accounts/" .. (account or S.ACCOUNT) .. "/contacts/" .. id,
    raw_body = text, content_type = "application/json", headers = { Authorization = "Bearer " .. S.TOKEN },
    timeout = 10, connect_timeout = 5, raw_response = true,
  }.status
end

-- The JSON body of a logged request, decoded (nil when it had none).
function S.json(request)
  if request.body == nil or request.body == "" then return nil end
  return core.decode(request.body)
end

-- One API request with the sandbox token, bypassing the Lua layer: text is
-- sent as the JSON body exactly as given; returns the status and the exact
-- bytes of the answer.
function S.raw(method, path, text)
  S.url()
  local r = control_session():request {
    method = method, url = url .. path, timeout = 10, connect_timeout = 5, raw_response = true,
    headers = { Authorization = "Bearer " .. S.TOKEN },
    raw_body = text, content_type = text and "application/json",
  }
  if not r.status then error(("sandbox %s %s: %s"):format(method, path, tostring(r.reason)), 2) end
  return r.status, r.body
end

-- The path of a logged request without its query string.
function S.path(request)
  return (request.path:match("^[^?]*"))
end

-- A client on the sandbox with the static token, plus any config overrides.
function S.client(overrides)
  local config = { base_url = S.url(), access_token = S.TOKEN }
  for k, v in pairs(overrides or {}) do config[k] = v end
  return require("sakari").new(config)
end

-- A client on the sandbox that authenticates with client credentials.
function S.oauth_client(overrides)
  local config = { base_url = S.url(), client_id = S.CLIENT_ID, client_secret = S.CLIENT_SECRET }
  for k, v in pairs(overrides or {}) do config[k] = v end
  return require("sakari").new(config)
end

-- Called in a describe (or at a file's top level): before each test the
-- sandbox is reset and a client made by `make()`; after it the client is
-- closed. Returns a stand-in that reaches the running test's client, so a spec
-- writes `client.contacts.get(...)` as with a client of its own. Its __index is
-- the client table itself (not a function), so an error the client raises for
-- a wrong name still points at the spec's line.
function S.each_client_from(make)
  local busted = require "busted"
  local meta = {}
  busted.before_each(function()
    S.reset()
    meta.__index = make()
  end)
  busted.after_each(function()
    meta.__index.close()
  end)
  return setmetatable({}, meta)
end

function S.each_client(overrides)
  return S.each_client_from(function() return S.client(overrides) end)
end

function S.each_oauth_client(overrides)
  return S.each_client_from(function() return S.oauth_client(overrides) end)
end

-- The logged requests as "METHOD path" lines, to compare sequences at a glance.
function S.request_lines()
  local lines = {}
  for i, r in ipairs(S.requests()) do lines[i] = r.method .. " " .. r.path end
  return lines
end

-- How many logged requests were `method path` (the path without its query); a
-- path ending in "/" counts every request under it.
function S.count(method, path)
  local under = path:sub(-1) == "/"
  local n = 0
  for _, r in ipairs(S.requests()) do
    local p = S.path(r)
    if r.method == method and (p == path or under and p:sub(1, #path) == path) then n = n + 1 end
  end
  return n
end

-- A port on which nothing listens: bound by a throwaway server that then exits.
function S.closed_port_url()
  local handle = io.popen("/usr/bin/python3 -c 'import socket; s=socket.socket(); "
    .. "s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1]); s.close()'")
  local port = handle:read("*l")
  handle:close()
  return "http://127.0.0.1:" .. assert(port)
end

return S
