/**
 * What the sign-in tells the login form, shared by the server (lib/auth/sign-in.ts) and the form
 * (components/auth/login-form.tsx, a client component: this file imports nothing). next-auth hands
 * the form a thrown error's message only, so the form recognises the second step by it.
 */
export const SECOND_STEP_MESSAGE = "Enter the 6-digit code from your authenticator app.";
/** Said only after the right password: a guesser learns nothing about the account's state. */
export const DEACTIVATED_MESSAGE = "This account was deactivated — ask your admin if you still need access.";
export const WRONG_CODE_MESSAGE = "That code is not right, or was already used. Enter the code your app shows now, or one of your recovery codes.";

/** ?error=… of the login page after a single sign-on refusal or failure (next-auth's codes and ours). */
export function loginErrorMessage(error: string | undefined, email: string | undefined): string | undefined {
  if (!error) return undefined;
  const who = email?.slice(0, 254);
  switch (error) {
    case "NoAccount":
      return `No account for ${who ?? "that e-mail address"}. Ask an admin to invite you.`;
    case "Deactivated":
      return `The account for ${who ?? "that e-mail address"} is deactivated. Ask an admin if you still need access.`;
    case "EmailNotVerified":
      return `Your sign-in provider has not verified the e-mail address ${who ?? ""}. Verify it there, or sign in with your password.`.replace(" .", ".");
    case "WrongTenant":
      return "That Microsoft account is not from this farm's organisation. Sign in with your work account, or with your password.";
    case "TwoFactorRequired":
      return "Two-factor sign-in is on for this account: sign in with your password and code.";
    case "NoEmail":
      return "Your sign-in provider did not tell us your e-mail address, so we cannot find your account. Ask an admin.";
    case "SubjectConflict":
      return `The account for ${who ?? "that e-mail address"} is linked to a different single sign-on identity. Ask an admin.`;
    case "OAuthSignin":
    case "OAuthCallback":
    case "OAuthCreateAccount":
    case "Callback":
      return "Single sign-on did not complete. Try again, or sign in with your password.";
    case "AccessDenied":
      return "Single sign-on was refused.";
    default:
      return "Sign-in failed. Check your e-mail and password.";
  }
}
