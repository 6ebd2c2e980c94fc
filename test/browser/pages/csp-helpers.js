/**
 * The helpers of sdk.html, as an external script (the CSP page allows no
 * inline script), plus a record of every CSP violation the page reports.
 */
window.violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile });
});

window.h = {
  p: null,
  async create(options = {}) {
    window.h.p = await window.Attune.createPersonalizer({ bundle: '/bundles/shop/', wasmPaths: '/dist/', ...options });
    return { backend: window.h.p.backend, catalog: [...window.h.p.catalog], bundleVersion: window.h.p.bundleVersion };
  },
  async attempt(fn) {
    try {
      return { ok: true, value: await fn() };
    } catch (err) {
      return { ok: false, name: err && err.name, code: err && err.code, field: err && err.field, message: String(err && err.message) };
    }
  },
  numTensors() {
    const engine = window._tfengine;
    return engine ? engine.memory().numTensors : null;
  },
};
