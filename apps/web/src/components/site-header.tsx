import Link from "next/link";
import { signOut } from "../actions/auth.ts";
import { hasSession, memberApi } from "../lib/api.ts";
import { formatCount } from "../lib/format.ts";
import { strings } from "../strings.ts";

/** The signed-in member's unread notifications, for the header on every page; null when it cannot be told. */
async function unreadNotifications(): Promise<{ count: number; locale: string } | null> {
  const api = await memberApi();
  if (!api) return null;
  const [{ data, response }, me] = await Promise.all([
    api.GET("/v1/notifications", { params: { query: { limit: 1 } } }),
    api.GET("/v1/me"),
  ]);
  if (!data) {
    if (response.status !== 401) console.error(`site header: notifications answered ${response.status}`);
    return null;
  }
  return { count: data.unreadCount, locale: me.data?.locale || "en" };
}

export async function SiteHeader() {
  const signedIn = await hasSession();
  const unread = signedIn ? await unreadNotifications() : null;
  return (
    <header className="site-header">
      <a className="skip" href="#main">
        {strings.nav.skipToContent}
      </a>
      <Link href="/" className="brand" aria-label={strings.nav.home}>
        <svg viewBox="0 0 64 64" width="28" height="28" aria-hidden="true">
          <rect width="64" height="64" rx="14" fill="#f5b700" />
          <path d="M32 12l16 9v18l-16 9-16-9V21z" fill="#7a4b00" />
        </svg>{" "}
        {strings.appName}
      </Link>
      <nav aria-label="Main">
        {signedIn ? (
          <>
            <Link href="/tasks">{strings.nav.tasks}</Link>
            <Link href="/notifications" className="notifications-link">
              {strings.nav.notifications}
              {unread && unread.count > 0 ? (
                <span className="badge">
                  {" "}
                  {formatCount(unread.count, unread.locale)}
                  <span className="visually-hidden"> {strings.nav.unread}</span>
                </span>
              ) : null}
            </Link>
            <Link href="/account">{strings.nav.account}</Link>
            <form action={signOut}>
              <button type="submit" className="link">
                {strings.nav.signOut}
              </button>
            </form>
          </>
        ) : (
          <>
            <Link href="/sign-in">{strings.nav.signIn}</Link>
            <Link href="/sign-up" className="button primary">
              {strings.nav.signUp}
            </Link>
          </>
        )}
      </nav>
    </header>
  );
}
