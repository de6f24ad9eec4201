-- The admin panel: operator accounts (separate from users), their sessions, one-time recovery codes and
-- the audit log of every admin action.

CREATE TABLE admin_users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('superadmin', 'support')),
  password_hash text NOT NULL,
  -- Set by an administrator-issued (one-time) password: the admin must choose their own at sign-in.
  must_change_password boolean NOT NULL DEFAULT true,
  -- The TOTP secret (base32). Confirmed once totp_enabled_at is set; until then only enrolment works.
  totp_secret text,
  totp_enabled_at timestamptz,
  -- The last TOTP time step accepted: a code is never accepted twice.
  totp_last_step bigint,
  disabled_at timestamptz,
  last_sign_in_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX admin_users_email_lower_key ON admin_users (lower(email));

-- Cookie sessions; the cookie holds a random token, stored here only as its SHA-256.
-- Idle timeout: last_seen_at; absolute timeout: expires_at.
CREATE TABLE admin_sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  admin_id uuid NOT NULL REFERENCES admin_users (id) ON DELETE CASCADE,
  token_hash bytea NOT NULL UNIQUE,
  ip text,
  user_agent text,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX admin_sessions_admin_id_idx ON admin_sessions (admin_id) WHERE revoked_at IS NULL;

-- One-time recovery codes (hashes), used instead of a TOTP code when the authenticator is lost.
CREATE TABLE admin_recovery_codes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  admin_id uuid NOT NULL REFERENCES admin_users (id) ON DELETE CASCADE,
  code_hash bytea NOT NULL UNIQUE,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX admin_recovery_codes_admin_id_idx ON admin_recovery_codes (admin_id) WHERE used_at IS NULL;

-- Who did what to whom, when, from which address. Rows are never updated; the admin's email is copied
-- so the entry keeps its meaning after the admin account is gone.
CREATE TABLE admin_audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  admin_id uuid REFERENCES admin_users (id) ON DELETE SET NULL,
  admin_email text NOT NULL,
  action text NOT NULL,
  target_type text,
  target_id text,
  target_label text,
  detail jsonb NOT NULL DEFAULT '{}'::jsonb,
  ip text,
  request_id text
);
CREATE INDEX admin_audit_log_at_idx ON admin_audit_log (at DESC, id DESC);
CREATE INDEX admin_audit_log_admin_idx ON admin_audit_log (admin_id, at DESC);
CREATE INDEX admin_audit_log_target_idx ON admin_audit_log (target_type, target_id);
-- The admin users list searches users by email or name.
CREATE INDEX users_created_at_idx ON users (created_at DESC);
