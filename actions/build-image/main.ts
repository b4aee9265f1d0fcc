import { runAction } from '../../src/runtime/github';
import { buildImageAction } from '../../src/image/inputs';
import { runBuildImage } from '../../src/image/build';

void runAction(buildImageAction, runBuildImage);
