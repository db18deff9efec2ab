import { mountPage } from "../shared/mount";
import { ReviewPage } from "./review-page";

mountPage(() => <ReviewPage root="../" />);
