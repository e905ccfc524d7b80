/*
 * The harness bundle: PathMapPanel on a plain page, for the browser test in pkg/browsertest.
 *
 * Unlike the plugin build (.config/webpack), nothing is external: outside Grafana there is no
 * host to lend react, react-dom, @grafana/data or @grafana/ui, so the bundle carries its own.
 * It uses the plugin build's loaders (swc for TypeScript, style/css for CSS) so the panel is
 * compiled the same way, and production mode so React runs as it does in Grafana: the test
 * times the panel, and development React is several times slower.
 */

import path from 'path';
import webpack, { type Configuration } from 'webpack';

const root = path.resolve(__dirname, '..', '..');

const config: Configuration = {
  // A filesystem cache keeps a rebuild after a panel edit to seconds.
  cache: {
    type: 'filesystem',
    cacheDirectory: path.join(root, 'node_modules', '.cache', 'mailpath-harness'),
    buildDependencies: { config: [__filename] },
  },
  context: __dirname,
  entry: { harness: './harness.tsx' },
  mode: 'production',
  devtool: false,
  module: {
    rules: [
      {
        exclude: /node_modules/,
        test: /\.[tj]sx?$/,
        use: {
          loader: 'swc-loader',
          options: {
            jsc: {
              target: 'es2020',
              // Classic JSX, as the plugin build compiles it (swc's default there too).
              parser: { syntax: 'typescript', tsx: true },
            },
          },
        },
      },
      { test: /\.css$/, use: ['style-loader', 'css-loader'] },
      { test: /\.(png|jpe?g|gif|svg|woff2?|eot|ttf|otf)$/, type: 'asset/inline' },
    ],
  },
  // Minifying a bundle that holds all of @grafana/ui costs a minute and buys the test nothing.
  optimization: { minimize: false },
  output: {
    filename: '[name].js',
    path: path.join(__dirname, 'dist'),
    publicPath: '/',
    clean: true,
  },
  performance: { hints: false },
  plugins: [
    // One chunk: the page loads one script, and no lazy chunk can arrive mid-measurement.
    new webpack.optimize.LimitChunkCountPlugin({ maxChunks: 1 }),
  ],
  resolve: {
    extensions: ['.js', '.jsx', '.ts', '.tsx'],
    // The panel imports through src/ as root, as the plugin build resolves it.
    modules: [path.join(root, 'src'), 'node_modules'],
  },
};

export default config;
