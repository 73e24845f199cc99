// The widget's stylesheet, scoped under .fd-root so it neither leaks into
// nor (mostly) inherits from the council's page. Sizes are in em/rem so text
// zoom and 400% page zoom reflow instead of clipping; below 30em wide or
// tall the panel fills the viewport and scrolls as one column.

export const CSS = `
.fd-root{--fd-brand:#1d70b8;--fd-brand-text:#fff;--fd-text:#0b0c0c;--fd-muted:#505a5f;--fd-border:#b1b4b6;--fd-focus:#fd0;--fd-bg:#fff;--fd-tint:#f3f2f1;--fd-link:#1d70b8;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:1rem;line-height:1.4;color:var(--fd-text);text-align:start;}
.fd-root *,.fd-root *::before,.fd-root *::after{box-sizing:border-box;}
.fd-root p,.fd-root ol,.fd-root ul,.fd-root h2,.fd-root h3,.fd-root fieldset,.fd-root legend{margin:0;padding:0;}
.fd-root [hidden]{display:none !important;}
.fd-visually-hidden{position:absolute !important;width:1px !important;height:1px !important;margin:0 !important;padding:0 !important;overflow:hidden !important;clip:rect(0 0 0 0) !important;clip-path:inset(50%) !important;white-space:nowrap !important;border:0 !important;}
.fd-root button,.fd-root input,.fd-root textarea{font:inherit;color:inherit;margin:0;}
.fd-root button{cursor:pointer;min-height:2.75em;min-width:2.75em;padding:.4em .9em;border-radius:.25em;border:2px solid var(--fd-brand);background:var(--fd-bg);color:var(--fd-text);font-weight:600;line-height:1.2;}
.fd-root button:hover{background:var(--fd-tint);}
.fd-root .fd-primary{background:var(--fd-brand);color:var(--fd-brand-text);}
.fd-root .fd-primary:hover{background:var(--fd-brand);text-decoration:underline;}
.fd-root :focus-visible,.fd-root .fd-link:focus{outline:3px solid var(--fd-focus);outline-offset:0;box-shadow:0 0 0 6px var(--fd-text);}
.fd-root a.fd-link{color:var(--fd-link);text-decoration:underline;text-underline-offset:.15em;}
.fd-root a.fd-link:focus{background:var(--fd-focus);color:var(--fd-text);box-shadow:0 4px var(--fd-text);outline:none;text-decoration:none;}
.fd-launcher{position:fixed;inset-block-end:1em;inset-inline-end:1em;z-index:2147483000;display:inline-flex;gap:.5em;align-items:center;border-radius:2em !important;padding:.6em 1.2em !important;box-shadow:0 2px 6px rgba(0,0,0,.3);}
.fd-badge{display:inline-block;min-width:1.6em;padding:0 .4em;border-radius:1em;background:#d4351c;color:#fff;font-size:.875em;text-align:center;}
.fd-panel{position:fixed;inset-block-end:4.75em;inset-inline-end:1em;z-index:2147483001;display:flex;flex-direction:column;width:min(25em,calc(100vw - 2em));height:min(40em,calc(100vh - 6em));background:var(--fd-bg);border:2px solid var(--fd-text);border-radius:.5em;box-shadow:0 4px 16px rgba(0,0,0,.35);overflow:hidden;}
.fd-header{display:flex;flex-wrap:wrap;gap:.5em;align-items:flex-start;justify-content:space-between;padding:.75em;background:var(--fd-brand);color:var(--fd-brand-text);}
.fd-heading{flex:1 1 10em;min-width:0;}
.fd-title{font-size:1.125em;font-weight:700;overflow-wrap:anywhere;}
.fd-subtitle{font-size:.9375em;}
.fd-tools{display:flex;flex-wrap:wrap;gap:.375em;}
.fd-root .fd-tool{border-color:var(--fd-brand-text);background:transparent;color:var(--fd-brand-text);font-size:.875em;padding:.3em .6em;}
.fd-root .fd-tool:hover{background:transparent;text-decoration:underline;}
.fd-connection{padding:.5em .75em;background:#fff7bf;border-block-end:1px solid var(--fd-border);}
.fd-queue{padding:.75em;background:var(--fd-tint);border-block-end:1px solid var(--fd-border);}
.fd-actions{display:flex;flex-wrap:wrap;gap:.5em;margin-block-start:.5em;}
.fd-body{flex:1 1 auto;overflow-y:auto;padding:.75em;display:flex;flex-direction:column;gap:.75em;}
.fd-intro{color:var(--fd-muted);}
.fd-messages{list-style:none;display:flex;flex-direction:column;gap:.625em;}
.fd-message{max-width:90%;padding:.5em .75em;border-radius:.5em;background:var(--fd-tint);align-self:flex-start;overflow-wrap:anywhere;}
.fd-from-resident{align-self:flex-end;background:#e8f1f8;border:1px solid #9cc1df;}
.fd-from-advisor{border-inline-start:4px solid var(--fd-brand);}
.fd-author{font-size:.875em;font-weight:700;}
.fd-text{white-space:pre-wrap;}
.fd-meta{font-size:.875em;color:var(--fd-muted);}
.fd-links{list-style:none;margin-block-start:.375em !important;display:flex;flex-direction:column;gap:.25em;}
.fd-links a{display:inline-block;min-height:1.5em;padding-block:.125em;}
.fd-system{align-self:stretch;text-align:center;color:var(--fd-muted);font-size:.9375em;padding:0 .5em;}
.fd-typing{color:var(--fd-muted);font-style:italic;}
.fd-typing::after{content:"";display:inline-block;width:1.5em;animation:fd-dots 1.2s steps(4,end) infinite;overflow:hidden;vertical-align:bottom;}
@keyframes fd-dots{0%{width:0}100%{width:1.5em}}
.fd-quick{display:flex;flex-wrap:wrap;gap:.5em;}
.fd-form{display:flex;flex-direction:column;gap:.5em;padding:.75em;border:1px solid var(--fd-border);border-radius:.5em;}
.fd-form h3,.fd-form legend{font-size:1em;font-weight:700;}
.fd-field{display:flex;flex-direction:column;gap:.25em;}
.fd-hint{color:var(--fd-muted);font-size:.9375em;}
.fd-error{color:#d4351c;font-weight:700;}
.fd-root textarea,.fd-root input[type=text]{width:100%;min-height:2.75em;padding:.4em;border:2px solid var(--fd-text);border-radius:0;background:#fff;}
.fd-root textarea{resize:vertical;}
.fd-invalid{border-color:#d4351c !important;}
.fd-stars{display:flex;flex-wrap:wrap;gap:.25em;border:0;}
.fd-star{position:relative;display:inline-flex;}
.fd-star input{position:absolute;opacity:0;width:100%;height:100%;margin:0;cursor:pointer;}
.fd-star label{display:inline-flex;align-items:center;justify-content:center;min-width:2.75em;min-height:2.75em;font-size:1.25em;color:#505a5f;cursor:pointer;border:2px solid transparent;border-radius:.25em;}
.fd-star input:checked+label,.fd-star.fd-lit label{color:#8a5a00;}
.fd-star input:focus-visible+label{outline:3px solid var(--fd-focus);box-shadow:0 0 0 6px var(--fd-text);}
.fd-footer{padding:.75em;border-block-start:1px solid var(--fd-border);display:flex;flex-direction:column;gap:.5em;}
.fd-footer .fd-actions{margin:0;}
.fd-composer{display:flex;gap:.5em;align-items:flex-end;}
.fd-composer textarea{flex:1 1 auto;min-width:0;}
@media (max-width:30em),(max-height:30em){
.fd-panel{inset:0;width:auto;height:auto;border-radius:0;border:0;overflow-y:auto;display:block;}
.fd-body{overflow:visible;}
.fd-composer{flex-wrap:wrap;}
}
@media (prefers-reduced-motion:reduce){.fd-root *,.fd-root *::before,.fd-root *::after{animation:none !important;transition:none !important;scroll-behavior:auto !important;}}
@media (forced-colors:active){.fd-root button,.fd-panel{border:2px solid ButtonText;}.fd-badge{border:1px solid CanvasText;}}
`;
