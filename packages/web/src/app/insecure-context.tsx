/**
 * Shown instead of the welcome form when the page is not in a secure context
 * (plain HTTP on an address other than localhost). There the browser gives no
 * service worker and no WebCrypto: bundle pinning and key shredding would be
 * silently lost, so tacet refuses to register or unlock and says how to fix it.
 */

/** @example if (!isSecureContext) return <InsecureContext /> */
export function InsecureContext() {
  return (
    <main class="welcome">
      <h1>tacet</h1>
      <section class="banner danger" role="alert" data-testid="insecure-context">
        <p>
          <strong>
            This page is not served securely, so tacet will not create or unlock an account here.
          </strong>
        </p>
        <p>
          Over plain HTTP the browser withholds what tacet needs to protect you: the service worker that
          checks this page’s code has not been swapped, and the cryptography that shreds message keys.
        </p>
        <p>
          Open tacet over HTTPS: whoever runs this server starts it with a certificate (
          <code>tacet server --tls-cert cert.pem --tls-key key.pem</code>, see docs/operations.md) or behind
          an HTTPS reverse proxy. On the server’s own machine, <code>http://localhost</code> also works.
        </p>
      </section>
    </main>
  );
}
