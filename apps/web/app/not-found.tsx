import Link from "next/link";
import { strings } from "../src/strings.ts";

export default function NotFound() {
  return (
    <section className="narrow">
      <h1>{strings.errors.notFoundTitle}</h1>
      <p>{strings.errors.notFound}</p>
      <Link href="/">{strings.errors.backHome}</Link>
    </section>
  );
}
