// Before a message leaves the browser: does it look like a payment card number?
// (13-19 digits, spaces or dashes allowed, passing the Luhn check.) The server
// masks card numbers anyway; this warns the resident before they send one.

const CANDIDATE = /(?<![\d-])(?:\d[ -]?){12,18}\d(?!\d)/g;

export function luhnValid(value) {
  const digits = value.replace(/\D/g, "");
  if (digits.length < 13 || digits.length > 19 || /^(\d)\1*$/.test(digits)) return false;
  let total = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    total += digit;
  }
  return total % 10 === 0;
}

export function looksLikeCardNumber(text) {
  for (const match of String(text).matchAll(CANDIDATE)) {
    if (luhnValid(match[0])) return true;
  }
  return false;
}
