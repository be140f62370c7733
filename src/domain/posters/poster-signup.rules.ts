import { FieldErrorCollector } from '../errors.ts';
import { isValidDate } from '../customers/customer.rules.ts';
import { collectsEmail, collectsPhone, type ContactCollectionMode } from './poster.rules.ts';

/** What a poster's sign-up form shows and requires, from the poster's settings. */
export interface SignupForm {
  email: { shown: boolean; required: boolean };
  phone: { shown: boolean; required: boolean };
  birthday: { shown: boolean; required: boolean };
  minimumAge: number | null;
}

export interface SignupPoster {
  contactCollectionMode: string;
  requireEmail: boolean;
  requirePhone: boolean;
  requireBirthday: boolean;
  minimumAge: number | null;
}

/** The form collects exactly what the poster asks: the birthday only when it is required. */
export function signupForm(poster: SignupPoster): SignupForm {
  const mode = poster.contactCollectionMode as ContactCollectionMode;
  return {
    email: { shown: collectsEmail(mode), required: collectsEmail(mode) && poster.requireEmail },
    phone: { shown: collectsPhone(mode), required: collectsPhone(mode) && poster.requirePhone },
    birthday: { shown: poster.requireBirthday, required: poster.requireBirthday },
    minimumAge: poster.minimumAge,
  };
}

/** What a person typed into the form; every value as the browser sent it. */
export interface SignupAnswers {
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  birthday?: string;
}

/** Whole years between `birthday` and `today` (both YYYY-MM-DD). */
export function ageOn(birthday: string, today: string): number {
  const [by, bm, bd] = birthday.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/**
 * Checks the answers against the poster's form, in words for the person filling it in, and returns
 * the customer details to create. Fields the form does not show are dropped, whatever was sent. The
 * customer rules (valid email, phone, name) run afterwards in the customer service.
 */
export function checkSignup(poster: SignupPoster, answers: SignupAnswers, today: string) {
  const form = signupForm(poster);
  const errors = new FieldErrorCollector();
  const value = (text: string | undefined) => (typeof text === 'string' && text.trim() !== '' ? text.trim() : undefined);
  const firstName = value(answers.firstName);
  const email = form.email.shown ? value(answers.email) : undefined;
  const phone = form.phone.shown ? value(answers.phone) : undefined;
  const birthday = form.birthday.shown ? value(answers.birthday) : undefined;
  if (!firstName) errors.add('firstName', 'Please enter your first name.');
  if (form.email.required && !email) errors.add('email', 'Please enter your email address.');
  if (form.phone.required && !phone) errors.add('phone', 'Please enter your phone number.');
  if (!email && !phone && !form.email.required && !form.phone.required) {
    const field = form.email.shown ? 'email' : 'phone';
    errors.add(field, form.email.shown && form.phone.shown ? 'Please enter an email address or a phone number.' : `Please enter your ${field === 'email' ? 'email address' : 'phone number'}.`);
  }
  if (form.birthday.required && !birthday) errors.add('birthday', 'Please enter your date of birth.');
  if (birthday && isValidDate(birthday) && birthday <= today && form.minimumAge !== null && ageOn(birthday, today) < form.minimumAge) {
    errors.add('birthday', `You must be at least ${form.minimumAge} years old to join.`);
  }
  errors.throwIfAny();
  return {
    firstName: firstName!,
    lastName: value(answers.lastName) ?? null,
    email: email ?? null,
    phone: phone ?? null,
    birthday: birthday ?? null,
  };
}
