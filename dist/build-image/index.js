require('./steps.js').main();
