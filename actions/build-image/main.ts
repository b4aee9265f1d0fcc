import { runAction } from '../../src/runtime/github';
import { buildImage } from '../../src/image/inputs';
import { runBuildImage } from '../../src/image/build';

void runAction(buildImage, runBuildImage);
