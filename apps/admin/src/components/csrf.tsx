/** The session's CSRF token in a form; the action sends it to the API as X-CSRF-Token. */
export function Csrf({ token, back }: { token: string; back?: string }) {
  return (
    <>
      <input type="hidden" name="csrf" value={token} />
      {back ? <input type="hidden" name="back" value={back} /> : null}
    </>
  );
}
