import Link from "next/link";
import { signOut } from "../actions/auth.ts";
import { hasSession } from "../lib/api.ts";
import { strings } from "../strings.ts";

export async function SiteHeader() {
  const signedIn = await hasSession();
  return (
    <header className="site-header">
      <a className="skip" href="#main">
        {strings.nav.skipToContent}
      </a>
      <Link href="/" className="brand" aria-label={strings.nav.home}>
        <span aria-hidden="true">🐝</span> {strings.appName}
      </Link>
      <nav aria-label="Main">
        {signedIn ? (
          <>
            <Link href="/tasks">{strings.nav.tasks}</Link>
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
