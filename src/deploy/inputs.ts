import { defineAction, input, kinds } from '../inputs';
import { checkProject, targetInputs } from '../cloudrun/target';

export const deployCloudRun = defineAction({
  id: 'deploy-cloudrun',
  name: 'Runway: deploy to Cloud Run',
  description: 'Deploys an image as a new tagged Cloud Run revision that takes no traffic, through the Cloud Run Admin API.',
  inputs: {
    ...targetInputs,
    image: input('Image to deploy (Artifact Registry path or local registry ref), by tag or digest', kinds.text).required(),
    'no-traffic': input('Leave traffic where it is (the first deploy of a new service takes 100 %)', kinds.bool).default('true'),
    'wait-timeout': input('How long to wait for the new revision to become Ready', kinds.duration(10, 3600)).default('300s'),
  },
  outputs: {
    revision: 'Name of the new revision',
    url: 'Service URL',
    'tag-url': "URL of the new revision's traffic tag",
    'image-digest': 'Digest the revision is pinned to',
    'previous-traffic': 'JSON of the traffic before the deploy, enough to restore it exactly',
    'previous-revision': 'Revision that served the most traffic before the deploy',
  },
  check: (v, env) => checkProject(v['project-id'], env),
});
