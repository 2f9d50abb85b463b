// A plotly.js with only the traces the app draws: choropleth maps, bars and lines
// (scatter is in the core). About a third of the full bundle's bytes and start-up time.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/choropleth'),
    require('plotly.js/lib/scattergeo'),
]);

module.exports = Plotly;
