import { mountPage } from "../shared/mount";
import { VerifyPage } from "../verify/verify-page";

// The site's landing page is the verify page (issue 6); `/verify/` serves the same page for share links.
mountPage(() => <VerifyPage root="./" />);
