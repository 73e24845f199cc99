// The two small forms: leave a message (out of hours / nobody available)
// and the end-of-chat rating. GOV.UK error pattern: the message sits next to
// the field, is tied to it with aria-describedby, and focus goes to the field.

import { el } from "../dom.js";

let counter = 0;
const uid = (name) => `fd-${name}-${(counter += 1)}`;

function field(doc, { label, hint, control }) {
  const hintNode = hint ? el(doc, "p", { className: "fd-hint", id: uid("hint"), text: hint }) : null;
  const error = el(doc, "p", { className: "fd-error", id: uid("error"), hidden: true });
  const describedBy = [hintNode && hintNode.id].filter(Boolean).join(" ");
  if (describedBy) control.setAttribute("aria-describedby", describedBy);
  const wrapper = el(doc, "div", { className: "fd-field" }, [
    el(doc, "label", { for: control.id, text: label }),
    hintNode,
    error,
    control,
  ]);
  return {
    wrapper,
    setError(message, prefix) {
      error.hidden = !message;
      error.textContent = message ? `${prefix} ${message}` : "";
      control.classList.toggle("fd-invalid", Boolean(message));
      if (message) control.setAttribute("aria-invalid", "true");
      else control.removeAttribute("aria-invalid");
      const ids = [hintNode && hintNode.id, message && error.id].filter(Boolean).join(" ");
      if (ids) control.setAttribute("aria-describedby", ids);
    },
  };
}

export function leaveMessageForm(doc, t, { onSubmit, onCancel }) {
  const text = el(doc, "textarea", { id: uid("leave-text"), rows: "4", maxlength: "4000" });
  const contact = el(doc, "input", { id: uid("leave-contact"), type: "text", autocomplete: "email", maxlength: "200" });
  const textField = field(doc, { label: t("inputLabel"), control: text });
  const contactField = field(doc, { label: t("contactLabel"), hint: t("contactHint"), control: contact });
  const headingId = uid("leave-heading");
  const form = el(doc, "form", { className: "fd-form fd-leave", "aria-labelledby": headingId, novalidate: true }, [
    el(doc, "h3", { id: headingId, text: t("leaveMessageHeading"), tabindex: "-1" }),
    el(doc, "p", { text: t("leaveMessageIntro") }),
    textField.wrapper,
    contactField.wrapper,
    el(doc, "div", { className: "fd-actions" }, [
      el(doc, "button", { type: "submit", className: "fd-primary", text: t("sendMessage") }),
      el(doc, "button", { type: "button", text: t("cancel"), on: { click: onCancel } }),
    ]),
  ]);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const message = text.value.trim();
    const reply = contact.value.trim();
    textField.setError(message ? "" : t("errorMessageMissing"), t("errorPrefix"));
    contactField.setError(reply ? "" : t("errorContactMissing"), t("errorPrefix"));
    if (!message) return text.focus();
    if (!reply) return contact.focus();
    onSubmit({ text: message.slice(0, 4000), contact: reply.slice(0, 200) });
  });
  return { form, focus: () => form.querySelector("h3").focus() };
}

export function ratingForm(doc, t, { onSubmit, onSkip }) {
  const name = uid("stars");
  const legendId = uid("rating-legend");
  const stars = el(doc, "div", { className: "fd-stars" });
  const inputs = [];
  for (let count = 1; count <= 5; count += 1) {
    const input = el(doc, "input", { type: "radio", name, value: String(count), id: `${name}-${count}` });
    const label = el(doc, "label", { for: input.id }, [
      el(doc, "span", { "aria-hidden": "true", className: "fd-glyph", text: "☆" }),
      el(doc, "span", { className: "fd-visually-hidden", text: t("ratingStar", { count }) }),
    ]);
    inputs.push(input);
    stars.append(el(doc, "span", { className: "fd-star" }, [input, label]));
  }
  const paint = () => {
    const chosen = Number((inputs.find((input) => input.checked) || {}).value || 0);
    inputs.forEach((input, index) => {
      input.parentElement.classList.toggle("fd-lit", index < chosen);
      input.nextElementSibling.firstChild.textContent = index < chosen ? "★" : "☆";
    });
  };
  stars.addEventListener("change", paint);
  const error = el(doc, "p", { className: "fd-error", id: uid("rating-error"), hidden: true });
  const comment = el(doc, "textarea", { id: uid("rating-comment"), rows: "3", maxlength: "1000" });
  const fieldset = el(doc, "fieldset", { className: "fd-field", "aria-describedby": error.id }, [
    el(doc, "legend", { id: legendId, text: t("ratingLegend") }),
    error,
    stars,
  ]);
  const form = el(doc, "form", { className: "fd-form fd-rating", "aria-labelledby": legendId, novalidate: true }, [
    fieldset,
    el(doc, "div", { className: "fd-field" }, [el(doc, "label", { for: comment.id, text: t("ratingComment") }), comment]),
    el(doc, "div", { className: "fd-actions" }, [
      el(doc, "button", { type: "submit", className: "fd-primary", text: t("ratingSubmit") }),
      el(doc, "button", { type: "button", text: t("ratingSkip"), on: { click: onSkip } }),
    ]),
  ]);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = inputs.find((input) => input.checked);
    error.hidden = Boolean(chosen);
    error.textContent = chosen ? "" : `${t("errorPrefix")} ${t("errorRatingMissing")}`;
    if (!chosen) return inputs[0].focus();
    onSubmit({ stars: Number(chosen.value), comment: comment.value.trim().slice(0, 1000) });
  });
  return { form, focus: () => inputs[0].focus() };
}
