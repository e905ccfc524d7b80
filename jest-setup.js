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
