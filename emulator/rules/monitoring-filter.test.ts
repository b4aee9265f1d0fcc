import { FilterError, matches, metricTypeOf, parseFilter } from './monitoring-filter';

const COUNT = 'run.googleapis.com/request_count';
const series = {
  'metric.type': COUNT,
  'resource.type': 'cloud_run_revision',
  project: 'acme',
  'metric.labels.response_code': '503',
  'metric.labels.response_code_class': '5xx',
  'resource.labels.service_name': 'web',
  'resource.labels.revision_name': 'web-00002-abc',
};

describe('matches', () => {
  it.each([
    [`metric.type = "${COUNT}"`, true],
    [`metric.type="${COUNT}" AND resource.labels.service_name = "web"`, true],
    [`metric.type = "${COUNT}" AND resource.labels.service_name = "api"`, false],
    [`metric.type = "${COUNT}" resource.labels.service_name = "web" metric.labels.response_code_class = "5xx"`, true],
    [`resource.labels.revision_name = "web-00002-abc" AND metric.labels.response_code_class = "2xx"`, false],
    [`metric.label."response_code_class" != "4xx"`, true],
    [`resource.label.service_name = web`, true],
    [`metric.type = ${COUNT}`, true],
    [`metric.labels.response_code_class = one_of("4xx", "5xx")`, true],
    [`metric.labels.response_code_class = one_of("2xx")`, false],
    [`resource.labels.revision_name = starts_with("web-0000")`, true],
    [`resource.labels.revision_name = ends_with("-abc")`, true],
    [`resource.labels.revision_name = has_substring("00002")`, true],
    [`resource.labels.revision_name != starts_with("web-")`, false],
    [`resource.labels.revision_name = monitoring.regex.full_match("web-\\\\d+-[a-z]+")`, true],
    [`resource.labels.revision_name = monitoring.regex.full_match("web")`, false],
    [`resource.labels.revision_name : "0002"`, true],
    [`metric.labels.response_code >= 500 AND metric.labels.response_code < 600`, true],
    [`metric.labels.response_code > 503`, false],
    [`NOT resource.labels.service_name = "web"`, false],
    [`-resource.labels.service_name = "api"`, true],
    [`resource.labels.service_name = "api" OR resource.labels.service_name = "web"`, true],
    [`(resource.labels.service_name = "api" OR metric.labels.response_code_class = "5xx") AND project = "acme"`, true],
    [`resource.labels.service_name = "api" OR resource.labels.service_name = "x" AND project = "acme"`, false],
    [`resource.labels.missing = "x"`, false],
    [`resource.labels.missing != "x"`, true],
    [`resource.type = 'cloud_run_revision'`, true],
  ])('%s → %s', (filter, want) => {
    expect(matches(parseFilter(filter), series)).toBe(want);
  });
});

describe('errors', () => {
  it.each([
    ['', /the filter is empty/],
    ['metric.type', /expected a comparison .* after metric.type at position 12/],
    ['metric.type = ', /expected a value for metric.type at position 15/],
    ['metric.type = "x', /unterminated string starting at position 15/],
    ['metric.kind = "DELTA"', /unsupported selector 'metric.kind': use metric.type, resource.type, project/],
    ['resource.labels.a = "x" AND', /expected a selector .* at position 28/],
    ['(resource.labels.a = "x"', /expected '\)'/],
    ['resource.labels.a = "x")', /unexpected '\)' at position 24/],
    ['resource.labels.a = regex("x")', /unknown function 'regex': use starts_with, ends_with/],
    ['resource.labels.a = starts_with("x", "y")', /starts_with takes exactly one argument/],
    ['resource.labels.a = one_of()', /one_of takes one or more arguments/],
    ['resource.labels.a : starts_with("x")', /can only be compared with = or !=/],
    ['resource.labels.a ! "x"', /unexpected '!' at position 19/],
    ['resource.labels.a = "x" # c', /unexpected '#' at position 25/],
  ])('%j: %s', (filter, message) => {
    expect(() => parseFilter(filter)).toThrow(FilterError);
    expect(() => parseFilter(filter)).toThrow(message);
  });
});

describe('metricTypeOf', () => {
  it.each([
    [`metric.type = "${COUNT}"`, COUNT],
    [`resource.labels.service_name = "web" AND metric.type = "${COUNT}"`, COUNT],
    [`metric.type = "${COUNT}" resource.type = "cloud_run_revision"`, COUNT],
  ])('%s names %s', (filter, type) => {
    expect(metricTypeOf(parseFilter(filter))).toBe(type);
  });

  it.each([
    'resource.labels.service_name = "web"',
    `metric.type = starts_with("run.googleapis.com/")`,
    `metric.type = "a" OR metric.type = "b"`,
    `metric.type = "a" AND metric.type = "b"`,
  ])('%s does not name exactly one', (filter) => {
    expect(() => metricTypeOf(parseFilter(filter))).toThrow(/must name exactly one metric type/);
  });
});
