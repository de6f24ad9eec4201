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
