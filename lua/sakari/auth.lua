-- Where the bearer token comes from: a static token, or OAuth2 client credentials
-- exchanged at /oauth2/token. This file knows the token protocol and its expiry;
-- sending the request is the client's job (it passes `fetch` in).
local core = require "sakari.core"
local errors = require "sakari.errors"

local M = {}

M.TOKEN_PATH = "/oauth2/token"

-- Specs replace this to move time without sleeping.
M.now = os.time

-- Refresh this long before expiry, so a token does not die in flight.
local MAX_MARGIN = 30
local MARGIN_SHARE = 0.1
local function margin(life) return math.max(0, math.min(MAX_MARGIN, life * MARGIN_SHARE)) end

-- The JWT payload, or nil when the token is not a JWT we can read.
function M.jwt_claims(token)
  local payload = type(token) == "string" and token:match("^[^.]+%.([^.]+)%.")
  local json = payload and core.unbase64(payload)
  local claims = json and core.decode(json)
  return type(claims) == "table" and claims or nil
end

-- Seconds the token is good for from now; nil when unknown (kept until a 401).
local function lifetime(token, answer)
  if type(answer.expires_in) == "number" then return answer.expires_in end
  local claims = M.jwt_claims(token)
  if not claims or type(claims.exp) ~= "number" then return nil end
  -- exp - iat is measured on the server's clock alone, so a skewed local clock
  -- cannot make a fresh token look expired (or a dead one alive).
  if type(claims.iat) == "number" and claims.iat <= claims.exp then return claims.exp - claims.iat end
  return claims.exp - M.now()
end

local OAuth = {}
OAuth.__index = OAuth

-- A static token: one that never expires and has no fetch to replace it.
function M.static(token)
  return setmetatable({ token = token }, OAuth)
end

-- fetch(io, path, body) -> answer | nil, err   (a POST with a JSON body, through io)
function M.oauth(client_id, client_secret, fetch)
  return setmetatable({ client_id = client_id, client_secret = client_secret, fetch = fetch }, OAuth)
end

function OAuth:valid()
  return self.token and (self.refresh_at == nil or M.now() < self.refresh_at)
end

-- The current token, fetched first if there is none or it is about to expire.
-- Single flight: while one call fetches (self.fetcher, its coroutine), the others
-- of a queue wait (io.wait) for its token. A blocking io has no wait, and fetches
-- itself in the one case that happens (a queue's fetch is paused).
function OAuth:get(io)
  if self:valid() then return self.token end
  if self.fetcher and io.wait then
    -- a fetcher that raised, or whose queue was closed, is no live call (io.alive): it holds none
    repeat io.wait() until not (self.fetcher and io.alive(self.fetcher))
    if self:valid() then return self.token end
    -- the fetch waited for failed: its err is every waiter's, none hammers a failing endpoint
    if self.failure then return nil, self.failure end
  end
  return self:refresh(io)
end

-- Forgets the token a call was refused with, unless another call replaced it already.
function OAuth:invalidate(token)
  if token == nil or token == self.token then self.token, self.refresh_at = nil, nil end
end

function OAuth:refresh(io)
  self.fetcher, self.failure = coroutine.running(), nil
  local fetched_at = M.now()
  -- no pcall around it: inside a queue the fetch yields, which Lua 5.1 cannot do
  -- across a pcall; fetch returns its failures rather than raising them
  local answer, err = self.fetch(io, M.TOKEN_PATH, {
    grant_type = "client_credentials",
    client_id = self.client_id,
    client_secret = self.client_secret,
  })
  self.fetcher = nil
  local token = type(answer) == "table" and answer.access_token
  if answer and (type(token) ~= "string" or token == "") then
    err = errors.new {
      method = "POST", path = M.TOKEN_PATH, status = 200, code = "auth",
      message = "token endpoint answered without an access_token",
    }
  end
  if err then
    self.failure = err
    return nil, err
  end
  local life = lifetime(token, answer)
  self.token, self.refresh_at = token, life and fetched_at + life - margin(life)
  return token
end

return M
