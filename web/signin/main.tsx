import { mountPage } from "../shared/mount";
import { SignInPage } from "./signin-page";

mountPage(() => <SignInPage root="../" />);
