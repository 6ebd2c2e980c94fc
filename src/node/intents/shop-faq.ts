/**
 * The demo shop's FAQ: intents, example questions and the answer the page
 * shows, written for attune's demo (not taken from any data set). `valid`
 * holds other phrasings and off-topic questions that calibrate the
 * out-of-scope threshold; it never trains the model.
 */
export interface FaqIntent {
  /** Intent name, e.g. `'order_status'`. */
  readonly name: string;
  /** The answer the demo shows. */
  readonly answer: string;
  /** Example questions the encoder trains and the assistant starts with. */
  readonly examples: readonly string[];
  /** Held-out phrasings and off-topic questions for calibration. */
  readonly valid: readonly string[];
}

/** The demo shop's FAQ intents. */
export const SHOP_FAQ: readonly FaqIntent[] = [
  {
    name: 'order_status',
    answer: 'You can follow your parcel from "My orders": every shipped order has a tracking link.',
    examples: ['where is my order', 'has my package shipped yet', 'how do I track my parcel', 'my order has not arrived', 'when will my delivery come', 'can I see the tracking number', 'the parcel is late', 'what is the status of my purchase'],
    valid: ['still waiting for my package', 'is my order on its way', 'tracking link please'],
  },
  {
    name: 'shipping_cost',
    answer: 'Delivery is free above €40; below that it costs €4.90 in the EU.',
    examples: ['how much is shipping', 'is delivery free', 'what are the postage fees', 'do you charge for delivery', 'free shipping threshold', 'how much does it cost to send to germany', 'shipping price for small orders', 'delivery charges'],
    valid: ['what do you charge for postage', 'is there a minimum for free delivery', 'cost of sending my order'],
  },
  {
    name: 'return_item',
    answer: 'You have 30 days to return an item: start a return from "My orders" and print the free label.',
    examples: ['how do I return something', 'i want to send this back', 'can I return a product', 'return policy', 'how many days do I have to return', 'i need a return label', 'the shoes do not fit, can I send them back', 'start a return'],
    valid: ['what is your returns window', 'how to send back an item that does not fit', 'print a return label'],
  },
  {
    name: 'refund_status',
    answer: 'Refunds reach your account 3–5 working days after we receive the return.',
    examples: ['where is my refund', 'i have not received my money back', 'when will I get refunded', 'refund still missing', 'how long does a refund take', 'you got my return but no refund', 'money back status', 'refund not showing on my card'],
    valid: ['my refund has not come through', 'how long until I see my money', 'still no reimbursement'],
  },
  {
    name: 'payment_methods',
    answer: 'We accept cards (Visa, Mastercard, Amex), PayPal and bank transfer.',
    examples: ['which payment methods do you accept', 'can I pay with paypal', 'do you take amex', 'can I pay by bank transfer', 'is apple pay possible', 'payment options', 'do you accept credit cards', 'can I pay in instalments'],
    valid: ['how can I pay', 'is paypal accepted', 'do you take mastercard'],
  },
  {
    name: 'payment_failed',
    answer: 'A declined payment is usually the bank\'s security check: try again or use another method; you were not charged.',
    examples: ['my payment was declined', 'card got rejected at checkout', 'the payment failed', 'why was I charged twice', 'checkout error when paying', 'transaction did not go through', 'payment keeps failing', 'money taken but no order'],
    valid: ['my card was refused', 'paying does not work', 'error at payment step'],
  },
  {
    name: 'change_order',
    answer: 'Orders can be changed or cancelled within one hour of purchase from "My orders".',
    examples: ['can I change my order', 'i want to cancel my order', 'change the delivery address', 'add an item to my order', 'i ordered the wrong size', 'cancel purchase', 'modify my order', 'wrong address on my order'],
    valid: ['how do I cancel', 'update the shipping address', 'switch the size on my order'],
  },
  {
    name: 'size_guide',
    answer: 'Every product page has a size chart; between two sizes, we suggest the larger one.',
    examples: ['what size should I take', 'do the shoes run small', 'where is the size chart', 'how does the sizing work', 'is this true to size', 'size guide', 'i am between two sizes', 'measurements of the jacket'],
    valid: ['does this fit large', 'which size am I', 'size table please'],
  },
  {
    name: 'stock_availability',
    answer: 'Sold-out items show a "notify me" button: we email you as soon as they are back.',
    examples: ['when will this be back in stock', 'is this item available', 'the product is sold out', 'will you restock', 'do you have this in blue', 'out of stock', 'notify me when available', 'is it available in my size'],
    valid: ['restock date', 'is the red one available again', 'sold out in medium'],
  },
  {
    name: 'account_login',
    answer: 'Use "Forgot password" on the sign-in page; the reset link is valid for 24 hours.',
    examples: ['i forgot my password', 'cannot log in', 'reset my password', 'my account is locked', 'how do I change my email', 'sign in does not work', 'login problem', 'create an account'],
    valid: ['password reset link', 'unable to sign in', 'lost access to my account'],
  },
  {
    name: 'discount_code',
    answer: 'Enter the code in the basket before checkout; one code per order, not valid on sale items.',
    examples: ['my discount code does not work', 'where do I enter a promo code', 'do you have any coupons', 'voucher is not accepted', 'is there a student discount', 'promo code invalid', 'how do I use a gift card', 'sale discount'],
    valid: ['coupon rejected', 'where to type the voucher', 'any offers right now'],
  },
  {
    name: 'contact_human',
    answer: 'Our team answers chat and email (help@example.shop) every weekday 9:00–18:00.',
    examples: ['i want to talk to a person', 'how do I contact you', 'customer service phone number', 'speak to an agent', 'email address for support', 'can someone call me', 'live chat', 'opening hours of support'],
    valid: ['let me speak to someone', 'support contact', 'is there a phone line'],
  },
];

/** Off-topic questions for calibrating "not sure — hand over to a person". */
export const SHOP_OOS: readonly string[] = [
  'what is the weather tomorrow',
  'tell me a joke',
  'who won the football match',
  'how do I cook pasta',
  'what is the capital of peru',
  'play some music',
  'translate hello into spanish',
  'how tall is the eiffel tower',
  'set an alarm for 7',
  'what is my horoscope',
  'recommend a good movie',
  'how many calories in a banana',
];
