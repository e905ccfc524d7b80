// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';

// i18next, which @grafana/ui starts, advertises itself on console.info in every test file.
const info = console.info;
console.info = (...args) => {
  if (!String(args[0]).includes('i18next is made possible')) {
    info(...args);
  }
};

// Combobox sizes its menu with canvas text metrics, which jsdom lacks.
HTMLCanvasElement.prototype.getContext = () => ({
  measureText: (text) => ({ width: String(text).length * 8 }),
});

// Scroll indicators in Combobox menus watch their edges; jsdom has no IntersectionObserver.
global.IntersectionObserver = class {
  observe() {}
  unobserve() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
};

// dagre clones with structuredClone, which Node has and jsdom's window does not expose.
if (typeof global.structuredClone !== 'function') {
  const v8 = require('node:v8');
  global.structuredClone = (value) => v8.deserialize(v8.serialize(value));
}

// The Drawer's title truncates itself by watching its size; jsdom has no ResizeObserver.
global.ResizeObserver = class {
  observe() {}
  unobserve() {}
  disconnect() {}
};
